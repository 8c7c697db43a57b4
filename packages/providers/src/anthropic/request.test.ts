import { describe, expect, it } from 'vitest';
import { ProviderError } from '../types.js';
import { DEFAULT_MAX_TOKENS, toAnthropicRequest } from './request.js';

describe('toAnthropicRequest', () => {
  it('moves system and developer messages to `system` and defaults max_tokens', () => {
    const body = toAnthropicRequest(
      {
        model: 'claude-test',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
          { role: 'user', content: 'Hi' },
        ],
      },
      false,
    );
    expect(body).toEqual({
      model: 'claude-test',
      max_tokens: DEFAULT_MAX_TOKENS,
      system: 'Be brief.\n\nAnswer in English.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
  });

  it('maps sampling options: stop sequences, clamped temperature, top_p, max_completion_tokens, user', () => {
    const body = toAnthropicRequest(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'Hi' }],
        stop: 'END',
        temperature: 1.7,
        top_p: 0.9,
        max_tokens: 50,
        max_completion_tokens: 80,
        user: 'usr_1',
      },
      true,
    );
    expect(body).toMatchObject({
      stop_sequences: ['END'],
      temperature: 1,
      top_p: 0.9,
      max_tokens: 80,
      metadata: { user_id: 'usr_1' },
      stream: true,
    });
  });

  it('maps tools, tool calls and tool results, merging consecutive turns of one role', () => {
    const body = toAnthropicRequest(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
        ],
        tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather now' } }],
        tool_choice: 'required',
      },
      false,
    );
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18°C' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
        ],
      },
    ]);
    expect(body.tools).toEqual([
      { name: 'get_weather', description: 'Weather now', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(body.tool_choice).toEqual({ type: 'any' });
  });

  it('refuses what Anthropic cannot honour instead of dropping it', () => {
    const messages = [{ role: 'user' as const, content: 'Hi' }];
    expect(() => toAnthropicRequest({ model: 'm', messages, n: 2 }, false)).toThrow(ProviderError);
    expect(() => toAnthropicRequest({ model: 'm', messages, response_format: { type: 'json_object' } }, false)).toThrow(
      /response_format json_object/,
    );
    expect(() => toAnthropicRequest({ model: 'm', messages: [{ role: 'system', content: 'x' }] }, false)).toThrow(
      /at least one user or assistant message/,
    );
  });
});
