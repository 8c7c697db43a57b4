import Synthwell, { QuotaExceededError, RateLimitError } from '@synthwell/sdk';

const client = new Synthwell();
const usage = await client.usage.retrieve();
const { chat_requests: chat, images } = usage.daily;
console.log(
  `${usage.plan.name} plan: ${chat.used}/${chat.limit} chat requests and ${images.used}/${images.limit} images today; resets ${usage.resets_at}`,
);

try {
  await client.chat.completions.create({
    model: 'sw-ngram-mini',
    messages: [{ role: 'user', content: 'hello' }],
    max_tokens: 5,
  });
} catch (error) {
  if (error instanceof QuotaExceededError) console.log(`Daily quota used up: ${error.message}`);
  else if (error instanceof RateLimitError) console.log(`Slow down; retry in ${error.retryAfterMs} ms`);
  else throw error;
}
