export { type AnthropicOptions, createAnthropicProvider } from './anthropic/adapter.js';
export {
  type AnthropicConfig,
  type OpenAICompatibleConfig,
  ProviderConfigError,
  type ProvidersConfig,
  parseProvidersFromEnv,
} from './config.js';
export { type Http1Head, type Http1Listener, Http1ParseError, ResponseParser } from './http/http1.js';
export { createLocalProvider, LOCAL_MODELS, type LocalProvider, type LocalProviderOptions } from './local/adapter.js';
export {
  type BrownOptions,
  brownFiles,
  type CorpusSplit,
  HELDOUT_EVERY,
  loadBrownDocuments,
  loadBrownSentences,
} from './local/corpus.js';
export { type CanvasDetail, type CanvasOptions, renderCanvas } from './local/image.js';
export {
  NgramModel,
  type SampleOptions,
  SENTENCE_END,
  type TrainOptions,
  trainNgram,
  UNKNOWN_WORD,
} from './local/ngram.js';
export { encodePng, type RgbImage } from './local/png.js';
export { hashString, mixSeeds, type Rng, seededRandom } from './local/random.js';
export { createOpenAICompatibleProvider, type OpenAICompatibleOptions } from './openai-compatible/adapter.js';
export { OPENAI_COMPATIBLE_PRESETS, type OpenAICompatiblePreset } from './openai-compatible/presets.js';
export { createProviderRegistry, type ProviderRegistry } from './registry.js';
export { readSseEvents, type SseEvent, SseParser } from './sse.js';
export { countChatPromptTokens, countTokens, truncateToTokens, warmTokenizer } from './tokenizer.js';
export * from './types.js';
