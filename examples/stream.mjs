import Synthwell from '@synthwell/sdk';

const client = new Synthwell();
const stream = await client.chat.completions.create({
  model: 'sw-ngram-mini',
  messages: [{ role: 'user', content: 'Say something about the weather in the city.' }],
  max_tokens: 40,
  stream: true,
  stream_options: { include_usage: true },
});
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? '');
const final = await stream.finalCompletion();
console.log(`\n(finish: ${final.choices[0]?.finish_reason}, ${final.usage?.completion_tokens} tokens)`);
