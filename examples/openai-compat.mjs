import OpenAI from 'openai';

// Any OpenAI client works against Synthwell by changing the base URL.
const client = new OpenAI({ baseURL: process.env.SYNTHWELL_BASE_URL, apiKey: process.env.SYNTHWELL_API_KEY });
const models = await client.models.list();
console.log(`models: ${models.data.map((model) => model.id).join(', ')}`);
const completion = await client.chat.completions.create({
  model: 'sw-ngram-mini',
  messages: [{ role: 'user', content: 'Describe the jury.' }],
  max_tokens: 30,
});
console.log(completion.choices[0]?.message.content);
