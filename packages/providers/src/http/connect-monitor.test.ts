import { channel } from 'node:diagnostics_channel';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CALL_ID_HEADER, watchConnection } from './connect-monitor.js';

describe('watchConnection', () => {
  it('sees a real fetch reach the dispatcher and then a connected socket', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const events: string[] = [];
    const watch = watchConnection({
      onDispatched: () => events.push('dispatched'),
      onConnected: () => events.push('connected'),
    });
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
        headers: { [CALL_ID_HEADER]: watch.callId },
      });
      await response.text();
      expect(events).toEqual(['dispatched', 'connected']);
    } finally {
      watch.stop();
      server.close();
    }
  });

  it('reads the call id from header arrays and raw header text, and ignores other calls', () => {
    const events: string[] = [];
    const watch = watchConnection({
      onDispatched: () => events.push('dispatched'),
      onConnected: () => events.push('connected'),
    });
    channel('undici:request:create').publish({ request: { headers: ['accept', '*/*', CALL_ID_HEADER, watch.callId] } });
    channel('undici:client:sendHeaders').publish({
      request: { headers: `accept: */*\r\n${CALL_ID_HEADER}: ${watch.callId}\r\n` },
    });
    channel('undici:client:sendHeaders').publish({ request: { headers: [CALL_ID_HEADER, 'someone-else'] } });
    watch.stop();
    channel('undici:client:sendHeaders').publish({ request: { headers: [CALL_ID_HEADER, watch.callId] } });
    expect(events).toEqual(['dispatched', 'connected']);
  });
});
