/**
 * Reads the database errors that are not the gateway's fault. Through Prisma's pg driver adapter
 * they arrive as a Prisma error code, a driver adapter error (a kind, or a PostgreSQL SQLSTATE it
 * passes through), or a plain node-postgres error when a connection drops or cannot be opened in time.
 */

/**
 * P1001 cannot reach the server, P1002 timed out reaching it, P1008 operation timed out, P1017 the
 * server closed the connection, P2024 timed out waiting for a connection from the pool.
 */
const UNREACHABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** `@prisma/adapter-pg`'s names for socket failures and a full server. */
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/**
 * Class 08 (connection exception), 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect
 * now (starting up or shutting down), 53300 too many connections.
 */
const UNREACHABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** node-postgres throws these without a code. */
const PG_CONNECTION_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

interface ErrorFields {
  code?: unknown;
  errorCode?: unknown;
  kind?: unknown;
  severity?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: unknown } };
  cause?: unknown;
}

function fields(value: unknown): ErrorFields | null {
  return value && typeof value === 'object' ? (value as ErrorFields) : null;
}

/** The driver adapter's description of what PostgreSQL or the socket said, wherever Prisma put it. */
function adapterCause(error: ErrorFields): ErrorFields | null {
  return fields(error.meta?.driverAdapterError?.cause) ?? fields(error.cause);
}

function unreachable(error: ErrorFields): boolean {
  const { code, errorCode, message, severity } = error;
  if (typeof code === 'string' && UNREACHABLE_PRISMA_CODES.has(code)) return true;
  if (typeof errorCode === 'string' && UNREACHABLE_PRISMA_CODES.has(errorCode)) return true;
  const cause = adapterCause(error);
  if (typeof cause?.kind === 'string' && UNREACHABLE_KINDS.has(cause.kind)) return true;
  if (cause?.kind === 'postgres' && typeof cause.code === 'string' && UNREACHABLE_SQLSTATE.test(cause.code))
    return true;
  // A node-postgres DatabaseError straight from the server.
  if (typeof severity === 'string' && typeof code === 'string' && UNREACHABLE_SQLSTATE.test(code)) return true;
  return typeof message === 'string' && PG_CONNECTION_MESSAGE.test(message);
}

/** True when `error` (or what caused it) means the database cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current = fields(error);
  for (let depth = 0; depth < 4 && current; depth++) {
    if (unreachable(current)) return true;
    current = fields(current.cause);
  }
  return false;
}

/**
 * True when PostgreSQL refused text a client sent: a NUL character in text (22021) or JSON (22P05),
 * or an unpaired surrogate in JSON (22P02 on a json value). Routes check their input first; this is
 * the backstop that keeps such input a client error wherever a check is missing.
 */
export function isUnstorableText(error: unknown): boolean {
  const source = fields(error);
  const cause = source && adapterCause(source);
  if (!cause) return false;
  const code = typeof cause.code === 'string' ? cause.code : null;
  if (code === '22021' || code === '22P05') return true;
  return cause.kind === 'InvalidInputValue' && typeof cause.message === 'string' && /type json/.test(cause.message);
}
