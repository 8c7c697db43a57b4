import { once } from 'node:events';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { createAccount, createTestDatabase, type TestDatabase } from '@synthwell/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type ListeningGateway, listenGateway } from './harness.js';

/**
 * A TCP proxy in front of the test database. `cut()` drops every connection and refuses new ones,
 * as a database that went away does; `restore()` listens on the same port again.
 */
interface DatabaseLink {
  url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

async function startDatabaseLink(databaseUrl: string): Promise<DatabaseLink> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => sockets.delete(socket));
  };
  let server: Server | null = null;
  let port = 0;
  const listen = async () => {
    server = createServer((client) => {
      const upstream = tcpConnect(Number(target.port), target.hostname);
      track(client);
      track(upstream);
      client.pipe(upstream).pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  };
  const stop = async () => {
    const closing = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    if (closing) await new Promise((resolve) => closing.close(resolve));
  };
  await listen();
  const url = new URL(databaseUrl);
  url.host = `127.0.0.1:${port}`;
  return { url: url.toString(), cut: stop, restore: listen, close: stop };
}

describe('the database going away', () => {
  let database: TestDatabase;
  let link: DatabaseLink;
  let gateway: ListeningGateway;

  beforeAll(async () => {
    database = await createTestDatabase();
    link = await startDatabaseLink(database.url);
    // Nothing here needs a model; the catalog is still read from the database.
    gateway = await listenGateway(link.url, { LOCAL_MODELS: 'false' });
  });
  afterAll(async () => {
    await gateway?.close();
    await link?.close();
    await database?.close();
  });

  it('answers 503 service_unavailable with retry-after while it is gone, and serves again once it is back', async () => {
    const before = await createAccount(database.db);
    const during = await createAccount(database.db);
    expect((await fetch(`${gateway.url}/v1/usage`, { headers: bearer(before.key) })).status).toBe(200);

    await link.cut();
    // A key the gateway has not seen yet must be looked up in the database.
    const refused = await fetch(`${gateway.url}/v1/usage`, { headers: bearer(during.key) });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await refused.json()).toEqual({
      error: { message: expect.any(String), type: 'server_error', param: null, code: 'service_unavailable' },
    });
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);

    await link.restore();
    const served = await fetch(`${gateway.url}/v1/usage`, { headers: bearer(during.key) });
    expect(served.status).toBe(200);
    expect((await served.json()).object).toBe('usage');
  });
});
