import { connect, createServer } from 'node:net';

/**
 * The floor for any proxy written for Node on this machine: each client connection gets one upstream
 * connection and bytes are copied both ways as they arrive. It does not parse HTTP at all, so it
 * cannot authenticate, route, meter or even tell where one request ends; whatever it costs (two reads,
 * two writes and their wake-ups per request) every proxy pays, and no proxy can beat it.
 */
const upstreamPort = Number(process.argv[2]);

const server = createServer((client) => {
  const upstream = connect(upstreamPort, '127.0.0.1');
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.on('data', (bytes) => upstream.write(bytes));
  upstream.on('data', (bytes) => client.write(bytes));
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
  client.on('error', () => undefined);
  upstream.on('error', () => undefined);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
