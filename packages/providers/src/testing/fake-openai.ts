import { isRecord } from '../guards.js';
import { encodePng } from '../local/png.js';
import { type FakeResponse, type FakeUpstream, type RecordedRequest, startFakeServer } from './fake-server.js';

export interface FakeOpenAIOptions {
  /** The assistant's reply; streamed word by word. Default 'Hello from the fake upstream.' */
  reply?: string;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`, else 401. */
  apiKey?: string;
  /** Leave out the final usage chunk of streams, like servers that ignore stream_options. */
  omitStreamUsage?: boolean;
}

export const FAKE_PROMPT_TOKENS = 11;

/**
 * A fake OpenAI-compatible upstream on 127.0.0.1: `POST /v1/chat/completions` (plain and streamed;
 * a request with tools gets a call of the first tool), `POST /v1/images/generations` (b64_json of a
 * small PNG) and `GET /v1/models`, with fault injection (see Fault).
 */
export function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeUpstream> {
  const reply = options.reply ?? 'Hello from the fake upstream.';
  return startFakeServer({
    basePath: '/v1',
    errorBody: (status, message) => ({
      error: {
        message,
        type: status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error',
        code: null,
      },
    }),
    streamErrorEvent: () =>
      `data: ${JSON.stringify({ error: { message: 'The server had an error', type: 'server_error' } })}\n\n`,
    respond: (request) => {
      if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        return {
          kind: 'json',
          status: 401,
          body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } },
        };
      }
      const route = `${request.method} ${request.path}`;
      if (route === 'POST /v1/chat/completions')
        return chatCompletion(request, reply, options.omitStreamUsage ?? false);
      if (route === 'POST /v1/images/generations') return images(request);
      if (route === 'GET /v1/models') {
        return {
          kind: 'json',
          status: 200,
          body: { object: 'list', data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'fake' }] },
        };
      }
      return {
        kind: 'json',
        status: 404,
        body: { error: { message: `no route ${route}`, type: 'invalid_request_error' } },
      };
    },
  });
}

function chatCompletion(request: RecordedRequest, reply: string, omitStreamUsage: boolean): FakeResponse {
  const body = isRecord(request.body) ? request.body : {};
  if (!Array.isArray(body.messages) || typeof body.model !== 'string') {
    return {
      kind: 'json',
      status: 400,
      body: { error: { message: "'messages' and 'model' are required", type: 'invalid_request_error' } },
    };
  }
  const model = body.model;
  const tool =
    Array.isArray(body.tools) && isRecord(body.tools[0]) && isRecord(body.tools[0].function)
      ? body.tools[0].function
      : null;
  const toolCall = tool
    ? { id: 'call_fake_1', type: 'function', function: { name: String(tool.name), arguments: '{"city":"Paris"}' } }
    : null;
  const pieces = reply.match(/\S+\s*/g) ?? [];
  const usage = {
    prompt_tokens: FAKE_PROMPT_TOKENS,
    completion_tokens: pieces.length,
    total_tokens: FAKE_PROMPT_TOKENS + pieces.length,
  };
  const base = { id: 'chatcmpl-fake', created: 1_700_000_000, model, system_fingerprint: 'fp_fake' };

  if (body.stream !== true) {
    return {
      kind: 'json',
      status: 200,
      body: {
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: toolCall
              ? { role: 'assistant', content: null, tool_calls: [toolCall] }
              : { role: 'assistant', content: reply },
            logprobs: null,
            finish_reason: toolCall ? 'tool_calls' : 'stop',
          },
        ],
        usage,
      },
    };
  }
  const event = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
  const chunk = (delta: unknown, finish: string | null) =>
    event({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
  const events = [chunk({ role: 'assistant', content: '' }, null)];
  if (toolCall) {
    events.push(
      chunk(
        { tool_calls: [{ index: 0, ...toolCall, function: { name: toolCall.function.name, arguments: '' } }] },
        null,
      ),
    );
    events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: toolCall.function.arguments } }] }, null));
  } else {
    for (const piece of pieces) events.push(chunk({ content: piece }, null));
  }
  events.push(chunk({}, toolCall ? 'tool_calls' : 'stop'));
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  if (streamOptions.include_usage === true && !omitStreamUsage) {
    events.push(event({ ...base, object: 'chat.completion.chunk', choices: [], usage }));
  }
  events.push('data: [DONE]\n\n');
  return { kind: 'sse', events };
}

/** A 2 × 2 PNG, the same every time. */
export const FAKE_PNG = encodePng({ width: 2, height: 2, pixels: new Uint8Array(12).fill(200) });

function images(request: RecordedRequest): FakeResponse {
  const body = isRecord(request.body) ? request.body : {};
  const n = typeof body.n === 'number' ? body.n : 1;
  const data = Array.from({ length: n }, () => ({
    b64_json: Buffer.from(FAKE_PNG).toString('base64'),
    revised_prompt: `revised: ${String(body.prompt)}`,
  }));
  return { kind: 'json', status: 200, body: { created: 1_700_000_000, data } };
}
