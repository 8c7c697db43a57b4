import Synthwell from '@synthwell/sdk';

// apiKey and baseURL come from SYNTHWELL_API_KEY and SYNTHWELL_BASE_URL.
const client = new Synthwell();
const completion = await client.chat.completions.create({
  model: 'sw-ngram-mini',
  messages: [{ role: 'user', content: 'Tell me about the old harbour.' }],
  max_tokens: 40,
  temperature: 0.8,
  top_p: 0.9,
});
console.log(completion.choices[0]?.message.content);
console.log(`(${completion.usage.prompt_tokens} prompt + ${completion.usage.completion_tokens} completion tokens)`);
