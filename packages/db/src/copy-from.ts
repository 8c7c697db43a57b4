import type pg from 'pg';

/** The parts of pg's connection that a COPY FROM STDIN uses (pg's types do not declare them). */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * `COPY … FROM STDIN` as a pg submittable: the statement goes as a simple query, and when the server
 * asks for the rows, `data` goes as one CopyData message and the copy ends. If the server refuses a
 * row it answers with an error and ignores what is still on the way, so the whole input can be sent
 * at once.
 */
class CopyFromStdin {
  readonly done: Promise<number>;
  private resolve!: (rows: number) => void;
  private reject!: (error: Error) => void;
  private rows = 0;

  constructor(
    private readonly text: string,
    private readonly data: Buffer,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    if (this.data.length > 0) connection.sendCopyFromChunk(this.data);
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text: string }): void {
    // "COPY 5000"
    this.rows = Number(message.text.slice(message.text.lastIndexOf(' ') + 1)) || 0;
  }

  /** A refused row or a broken connection; pg waits for the server's ReadyForQuery before its next statement. */
  handleError(error: Error): void {
    this.reject(error);
  }

  handleReadyForQuery(): void {
    this.resolve(this.rows);
  }

  handleEmptyQuery(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** Runs `COPY … FROM STDIN` on `client` with `data` (in COPY's format) as the whole input; resolves with the rows copied. */
export function copyFrom(client: pg.ClientBase, text: string, data: Buffer): Promise<number> {
  const copy = new CopyFromStdin(text, data);
  client.query(copy as unknown as pg.Submittable);
  return copy.done;
}
