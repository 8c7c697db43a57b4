import { isRecord } from '../guards.js';
import { type FakeResponse, type FakeUpstream, type RecordedRequest, startFakeServer } from './fake-server.js';

export interface FakeAnthropicOptions {
  /** The assistant's reply; streamed word by word. Default 'Hello from the fake Anthropic upstream.' */
  reply?: string;
  /** When set, requests must carry `x-api-key: <apiKey>`, else 401. */
  apiKey?: string;
}

export const FAKE_INPUT_TOKENS = 13;
const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/**
 * A fake Anthropic Messages API on 127.0.0.1: `POST /v1/messages`, plain and streamed with the
 * real event sequence (message_start, content blocks, ping, message_delta, message_stop); a request
 * with tools gets a tool_use block. Fault injection as for every fake (see Fault).
 */
export function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeUpstream> {
  const reply = options.reply ?? 'Hello from the fake Anthropic upstream.';
  return startFakeServer({
    basePath: '',
    errorBody: (status, message) => ({ type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } }),
    streamErrorEvent: () =>
      frame('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    respond: (request) => {
      if (options.apiKey && request.headers['x-api-key'] !== options.apiKey) {
        return {
          kind: 'json',
          status: 401,
          body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
        };
      }
      if (request.method !== 'POST' || request.path !== '/v1/messages') {
        return {
          kind: 'json',
          status: 404,
          body: { type: 'error', error: { type: 'not_found_error', message: 'Not found' } },
        };
      }
      return messages(request, reply);
    },
  });
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function messages(request: RecordedRequest, reply: string): FakeResponse {
  const body = isRecord(request.body) ? request.body : {};
  if (typeof body.max_tokens !== 'number' || !Array.isArray(body.messages)) {
    return {
      kind: 'json',
      status: 400,
      body: { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } },
    };
  }
  const model = String(body.model);
  const tool = Array.isArray(body.tools) && isRecord(body.tools[0]) ? body.tools[0] : null;
  const pieces = reply.match(/\S+\s*/g) ?? [];
  const outputTokens = pieces.length;

  if (body.stream !== true) {
    const content = tool
      ? [{ type: 'tool_use', id: 'toolu_fake_1', name: String(tool.name), input: { city: 'Paris' } }]
      : [{ type: 'text', text: reply }];
    return {
      kind: 'json',
      status: 200,
      body: {
        id: 'msg_fake',
        type: 'message',
        role: 'assistant',
        model,
        content,
        stop_reason: tool ? 'tool_use' : 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: FAKE_INPUT_TOKENS, output_tokens: outputTokens },
      },
    };
  }
  const events = [
    frame('message_start', {
      type: 'message_start',
      message: {
        id: 'msg_fake',
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        usage: { input_tokens: FAKE_INPUT_TOKENS, output_tokens: 1 },
      },
    }),
  ];
  if (tool) {
    events.push(
      frame('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'tool_use', id: 'toolu_fake_1', name: String(tool.name), input: {} },
      }),
      frame('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'input_json_delta', partial_json: '{"city":' },
      }),
      frame('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'input_json_delta', partial_json: '"Paris"}' },
      }),
    );
  } else {
    events.push(
      frame('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
    );
    events.push(frame('ping', { type: 'ping' }));
    for (const piece of pieces) {
      events.push(
        frame('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: piece },
        }),
      );
    }
  }
  events.push(
    frame('content_block_stop', { type: 'content_block_stop', index: 0 }),
    frame('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null },
      usage: { output_tokens: outputTokens },
    }),
    frame('message_stop', { type: 'message_stop' }),
  );
  return { kind: 'sse', events };
}
