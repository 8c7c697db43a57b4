import { SynthwellError } from './errors.js';
import { readEnv } from './internal/env.js';
import { type Fetch, HttpClient } from './internal/http-client.js';
import { realScheduler } from './internal/scheduler.js';
import { Chat } from './resources/chat.js';
import { Images } from './resources/images.js';
import { Models } from './resources/models.js';
import { Provenance } from './resources/provenance.js';
import { Safety } from './resources/safety.js';
import { Synthetic } from './resources/synthetic.js';
import { Usage } from './resources/usage.js';

export type { Fetch } from './internal/http-client.js';

export const DEFAULT_BASE_URL = 'http://localhost:4000/v1';

/** A session token, or a function that returns a current one (it is asked before every request). */
export type SessionToken = string | (() => string | Promise<string>);

export interface ClientOptions {
  /** An `sk-sw-` API key. Defaults to `SYNTHWELL_API_KEY` where the runtime has `process.env`. */
  apiKey?: string | undefined;
  /**
   * A short-lived `swt_` token from billing, for browsers, where an API key must never be shipped.
   * Give a function to refresh it: it is called before every request and retry, so let it cache.
   */
  sessionToken?: SessionToken | undefined;
  /** Defaults to `SYNTHWELL_BASE_URL`, then `http://localhost:4000/v1`. */
  baseURL?: string | undefined;
  /** Milliseconds one attempt may take; 60 s by default. */
  timeout?: number;
  /** Retries after a failed attempt; 2 by default. */
  maxRetries?: number;
  /** Defaults to the global `fetch`. */
  fetch?: Fetch;
  /** Sent with every request. */
  defaultHeaders?: Record<string, string>;
}

/** The Synthwell client: one instance per credential, shared by all calls. */
export class Synthwell {
  readonly baseURL: string;
  readonly timeout: number;
  readonly maxRetries: number;

  readonly models: Models;
  readonly chat: Chat;
  readonly images: Images;
  readonly usage: Usage;
  readonly synthetic: Synthetic;
  /** Signing keys, and verification of synthetic-data downloads against their manifests. */
  readonly provenance: Provenance;
  /** Admins only: per-plan content policies and flagged decisions. */
  readonly safety: Safety;

  constructor(options: ClientOptions = {}) {
    this.baseURL = (options.baseURL ?? readEnv('SYNTHWELL_BASE_URL') ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.timeout = options.timeout ?? 60_000;
    this.maxRetries = options.maxRetries ?? 2;
    if (!Number.isFinite(this.timeout) || this.timeout <= 0) {
      throw new SynthwellError(`timeout must be a positive number of milliseconds, got ${options.timeout}.`);
    }
    if (!Number.isInteger(this.maxRetries) || this.maxRetries < 0) {
      throw new SynthwellError(`maxRetries must be a whole number of at least 0, got ${options.maxRetries}.`);
    }

    const http = new HttpClient({
      baseURL: this.baseURL,
      timeout: this.timeout,
      maxRetries: this.maxRetries,
      fetch: options.fetch ?? globalFetch(),
      defaultHeaders: options.defaultHeaders ?? {},
      bearerToken: bearerToken(options),
      scheduler: realScheduler,
    });
    this.models = new Models(http);
    this.chat = new Chat(http);
    this.images = new Images(http);
    this.usage = new Usage(http);
    this.synthetic = new Synthetic(http);
    this.provenance = new Provenance(http);
    this.safety = new Safety(http);
  }
}

function bearerToken({ apiKey, sessionToken }: ClientOptions): () => string | Promise<string> {
  if (apiKey !== undefined && sessionToken !== undefined) {
    throw new SynthwellError('Pass either apiKey or sessionToken to new Synthwell(), not both.');
  }
  if (typeof sessionToken === 'function') return sessionToken;
  const token = sessionToken ?? apiKey ?? readEnv('SYNTHWELL_API_KEY');
  if (!token) {
    throw new SynthwellError(
      'Missing credentials: pass apiKey to new Synthwell({ apiKey }) or set SYNTHWELL_API_KEY; ' +
        'in a browser, pass a sessionToken instead.',
    );
  }
  return () => token;
}

function globalFetch(): Fetch {
  if (typeof globalThis.fetch !== 'function') {
    throw new SynthwellError('This runtime has no global fetch: pass one as new Synthwell({ fetch }).');
  }
  // Looked up at call time, so a fetch that is patched or polyfilled later is the one used.
  return (url, init) => globalThis.fetch(url, init);
}
