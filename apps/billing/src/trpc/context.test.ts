import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { contextFactory, type TrpcServices } from './context.js';

/** A context for a request with the given protocol; returns the Set-Cookie it wrote. */
async function setCookieFor(protocol: 'http' | 'https', publicUrl: string): Promise<string> {
  const services = { sessions: { resolve: async () => null } } as unknown as TrpcServices;
  let written = '';
  const req = { protocol, headers: {}, ip: '127.0.0.1' } as unknown as FastifyRequest;
  const res = { header: (_name: string, value: string) => (written = value) } as unknown as FastifyReply;
  const context = await contextFactory(services, publicUrl)({ req, res });
  context.cookies.set('secret', new Date('2030-01-01T00:00:00Z'));
  return written;
}

describe('session cookie', () => {
  it('is HttpOnly and SameSite=Lax, and Secure only over TLS or behind an https public URL', async () => {
    const plain = await setCookieFor('http', 'http://localhost:4100');
    expect(plain).toBe('sw_session=secret; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT; HttpOnly; SameSite=Lax');
    expect(await setCookieFor('https', 'http://localhost:4100')).toBe(`${plain}; Secure`);
    expect(await setCookieFor('http', 'https://billing.example.com')).toBe(`${plain}; Secure`);
  });
});
