import { Agent, createServer, request } from 'node:http';

/**
 * The floor for any gateway on this machine: a proxy that forwards each request to the upstream over
 * a keep-alive pool and copies the answer back, with nothing else — no auth, limits, metering,
 * validation, streaming or error handling. What it costs is what one extra process hop costs here.
 */
const upstreamPort = Number(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

const server = createServer((incoming, outgoing) => {
  const body: Buffer[] = [];
  incoming.on('data', (part: Buffer) => body.push(part));
  incoming.on('end', () => {
    const payload = Buffer.concat(body);
    const upstream = request(
      {
        agent,
        host: '127.0.0.1',
        port: upstreamPort,
        path: incoming.url,
        method: incoming.method,
        headers: { 'content-type': 'application/json', 'content-length': payload.byteLength },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? '' });
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    upstream.end(payload);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
