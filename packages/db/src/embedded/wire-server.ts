import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** Messages after which a client waits for an answer: the end of one unit of work. */
const BATCH_END = new Set(['S'.charCodeAt(0), 'Q'.charCodeAt(0), 'H'.charCodeAt(0), 'X'.charCodeAt(0)]);

interface Batch {
  connection: Connection;
  bytes: Uint8Array;
}

/**
 * Serves one PGlite database over the PostgreSQL wire protocol to many connections.
 *
 * PGlite has a single backend, so the connections take turns. The unit of a turn matters: a client's
 * extended-protocol messages (Parse, Bind, Describe, Execute) up to its Sync must reach the backend
 * together, or another connection's Parse replaces the unnamed statement in between ("bind message
 * supplies 2 parameters"). So messages are grouped per connection up to Sync / Query / Flush /
 * Terminate and run as one batch; and while a connection has a transaction open, only its batches
 * run, so transactions never interleave.
 */
export class WireServer {
  private readonly server: Server;
  private readonly queue: Batch[] = [];
  private processing = false;
  private owner: Connection | null = null;
  private readonly connections = new Set<Connection>();

  constructor(private readonly db: PGlite) {
    this.server = createServer((socket) => {
      const connection = new Connection(socket, this);
      this.connections.add(connection);
      socket.on('close', () => {
        this.connections.delete(connection);
        void this.release(connection);
      });
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  enqueue(batch: Batch): void {
    this.queue.push(batch);
    void this.process();
  }

  /** A closed connection gives up its queued work, and its open transaction is rolled back. */
  private async release(connection: Connection): Promise<void> {
    for (let i = this.queue.length - 1; i >= 0; i--)
      if (this.queue[i]?.connection === connection) this.queue.splice(i, 1);
    if (this.owner === connection) {
      this.owner = null;
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => undefined);
      void this.process();
    }
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const index = this.owner ? this.queue.findIndex((batch) => batch.connection === this.owner) : 0;
        if (index < 0) break; // the transaction's owner has nothing queued yet: everyone else waits
        const [batch] = this.queue.splice(index, 1);
        if (!batch || batch.connection.closed) continue;
        await this.db.runExclusive(() =>
          this.db.execProtocolRawStream(batch.bytes, { onRawData: (data) => batch.connection.write(data) }),
        );
        this.owner = this.db.isInTransaction() ? batch.connection : null;
      }
    } finally {
      this.processing = false;
    }
  }
}

/** One client connection: frames its bytes into messages and hands batches to the server. */
class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Buffer[] = [];
  private started = false;
  closed = false;

  constructor(
    readonly socket: Socket,
    private readonly server: WireServer,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.receive(data));
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => socket.destroy());
  }

  write(data: Uint8Array): void {
    if (!this.closed && data.length > 0) this.socket.write(data);
  }

  private receive(data: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    while (true) {
      if (!this.started) {
        // Startup-phase packets have no type byte: length, then a code.
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        const packet = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.socket.end();
          return;
        }
        this.started = true;
        this.server.enqueue({ connection: this, bytes: new Uint8Array(packet) });
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = 1 + this.buffer.readInt32BE(1);
      if (this.buffer.length < length) return;
      const type = this.buffer[0] as number;
      this.pending.push(this.buffer.subarray(0, length));
      this.buffer = this.buffer.subarray(length);
      if (BATCH_END.has(type)) {
        const bytes = new Uint8Array(Buffer.concat(this.pending));
        this.pending = [];
        this.server.enqueue({ connection: this, bytes });
      }
    }
  }
}
