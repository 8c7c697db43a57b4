/** Fake upstreams for tests: real HTTP servers on 127.0.0.1 with fault injection. Never touch the internet. */
export { FAKE_INPUT_TOKENS, type FakeAnthropicOptions, startFakeAnthropic } from './fake-anthropic.js';
export { FAKE_PNG, FAKE_PROMPT_TOKENS, type FakeOpenAIOptions, startFakeOpenAI } from './fake-openai.js';
export type { FakeUpstream, Fault, RecordedRequest } from './fake-server.js';
export { decodeRgbPng, type PngChunk, readPngChunks } from './png-reader.js';
