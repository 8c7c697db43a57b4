import { setImmediate as nextTick } from 'node:timers/promises';
import type { ChatCompletion, ChatCompletionChunk, ModelTier } from '@synthwell/contracts';
import { warmTokenizer } from '../tokenizer.js';
import {
  type CallContext,
  type ChatRequest,
  type GeneratedImage,
  type ImageRequest,
  type ProviderAdapter,
  ProviderError,
} from '../types.js';
import { type ChatModel, completeLocalChat, streamLocalChat } from './chat.js';
import { BROWN_VERSION, loadBrownSentences } from './corpus.js';
import { type CanvasDetail, renderCanvas } from './image.js';
import { loadOrTrain } from './model-cache.js';
import { trainNgram } from './ngram.js';
import { FORMAT_VERSION } from './ngram-file.js';
import { encodePng } from './png.js';
import { randomSeed } from './random.js';
import { commonWordFrequency } from './topic.js';

export interface LocalProviderOptions {
  /** Where trained models are cached; without it they are trained at every start. */
  cacheDir?: string;
  /** Train on this many corpus files (spread over the training split) instead of all 450, for fast tests. */
  trainingFiles?: number;
}

export interface LocalProvider extends ProviderAdapter {
  /** Trains or loads the n-gram models and the tokenizer; chat calls wait for it on their own. */
  ready(): Promise<void>;
}

/** The built-in models: small, offline, and labelled as such. */
export const LOCAL_MODELS: ReadonlyArray<{
  id: string;
  kind: 'chat' | 'image';
  tier: ModelTier;
  description: string;
}> = [
  {
    id: 'ngram-3',
    kind: 'chat',
    tier: 'standard',
    description: 'Word trigram model (Kneser–Ney) trained on the Brown corpus.',
  },
  {
    id: 'ngram-4',
    kind: 'chat',
    tier: 'premium',
    description: 'Word 4-gram model (Kneser–Ney) trained on the Brown corpus.',
  },
  { id: 'canvas', kind: 'image', tier: 'standard', description: 'Procedural image generator.' },
  {
    id: 'canvas-pro',
    kind: 'image',
    tier: 'premium',
    description: 'Procedural image generator with more layers and detail.',
  },
];

const CHAT_ORDERS: Readonly<Record<string, number>> = { 'ngram-3': 3, 'ngram-4': 4 };
const IMAGE_DETAIL: Readonly<Record<string, CanvasDetail>> = { canvas: 'standard', 'canvas-pro': 'pro' };
const IMAGE_SIZES: ReadonlySet<string> = new Set(['256x256', '512x512', '1024x1024']);

/**
 * The embedded default provider, `local`: n-gram chat models trained on the Brown corpus's training
 * split (so their held-out perplexity is honest) and the procedural image generator.
 */
export function createLocalProvider(options: LocalProviderOptions = {}): LocalProvider {
  let loading: Promise<Map<string, ChatModel>> | null = null;
  const models = () => {
    loading ??= loadChatModels(options);
    return loading;
  };

  async function chatModel(name: string): Promise<ChatModel> {
    if (!Object.hasOwn(CHAT_ORDERS, name)) {
      throw new ProviderError('invalid_request', `the local provider has no chat model "${name}"`);
    }
    return (await models()).get(name)!;
  }

  async function chat(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion> {
    return completeLocalChat(req, await chatModel(req.model), ctx);
  }

  async function* chatStream(req: ChatRequest, ctx: CallContext): AsyncGenerator<ChatCompletionChunk> {
    yield* streamLocalChat(req, await chatModel(req.model), ctx);
  }

  async function images(req: ImageRequest, ctx: CallContext): Promise<GeneratedImage[]> {
    const detail = Object.hasOwn(IMAGE_DETAIL, req.model) ? IMAGE_DETAIL[req.model] : undefined;
    if (!detail) throw new ProviderError('invalid_request', `the local provider has no image model "${req.model}"`);
    if (!IMAGE_SIZES.has(req.size)) throw new ProviderError('invalid_request', `unsupported image size ${req.size}`);
    const size = Number.parseInt(req.size, 10);
    // Image i of a request with seed s is the image of seed s + i: any one of them can be reproduced alone.
    const seed = req.seed ?? randomSeed();
    const generated: GeneratedImage[] = [];
    for (let i = 0; i < req.n; i++) {
      if (ctx.signal.aborted) throw new ProviderError('aborted', 'the request was cancelled');
      generated.push({ png: encodePng(renderCanvas({ prompt: req.prompt, seed: seed + i, size, detail })) });
      await nextTick();
    }
    return generated;
  }

  return {
    name: 'local',
    capabilities: { chat: true, stream: true, images: true, tools: false, jsonSchema: true },
    ready: async () => {
      await models();
    },
    chat,
    chatStream,
    images,
  };
}

/** Trains or loads each model in turn, yielding to the event loop between the steps. */
async function loadChatModels({ cacheDir, trainingFiles }: LocalProviderOptions): Promise<Map<string, ChatModel>> {
  await nextTick();
  let sentences: string[][] | null = null;
  const corpus = () => {
    sentences ??= loadBrownSentences({ split: 'train', files: trainingFiles });
    return sentences;
  };
  const models = new Map<string, ChatModel>();
  for (const [name, order] of Object.entries(CHAT_ORDERS)) {
    const key = `brown-${BROWN_VERSION}-train-${trainingFiles ?? 'all'}-order${order}-format${FORMAT_VERSION}`;
    const ngram = loadOrTrain(cacheDir, key, () => trainNgram(corpus(), { order }));
    models.set(name, { ngram, commonFrequency: commonWordFrequency(ngram) });
    await nextTick();
  }
  warmTokenizer();
  return models;
}
