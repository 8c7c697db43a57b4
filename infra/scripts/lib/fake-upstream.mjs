// A child process serving the fake OpenAI-compatible upstream, so its work does not share the load
// generator's event loop. Sends its base URL to the parent, takes `{ failAlways: Fault | null }`
// messages (see @synthwell/providers/testing) and stops when the parent goes away.
import { startFakeOpenAI } from '@synthwell/providers/testing';

const upstream = await startFakeOpenAI({ reply: 'A short answer from the fake upstream.' });
process.on('message', (message) => {
  if (message && typeof message === 'object' && 'failAlways' in message) {
    upstream.failAlways(message.failAlways);
    process.send?.({ applied: true });
  }
});
process.send?.({ baseURL: upstream.baseURL });
process.on('disconnect', () => void upstream.close().then(() => process.exit(0)));
