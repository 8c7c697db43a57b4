import { Prisma } from '@synthwell/db';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, isUnstorableText } from './database-errors.js';
import { toGatewayError } from './openai-exception.filter.js';

/** A Prisma error as the pg driver adapter reports it: `meta.driverAdapterError.cause` is what pg said. */
function prismaError(code: string, cause: Record<string, unknown>): Prisma.PrismaClientKnownRequestError {
  return new Prisma.PrismaClientKnownRequestError('Invalid `prisma.user.findUnique()` invocation', {
    code,
    clientVersion: '7.10.1',
    meta: { driverAdapterError: { name: 'DriverAdapterError', cause } },
  });
}

const postgres = (code: string, message: string) => ({ kind: 'postgres', code, originalCode: code, message });

describe('database errors', () => {
  it.each([
    ['a refused connection (P1001)', prismaError('P1001', { kind: 'DatabaseNotReachable', host: '127.0.0.1' })],
    ['a reset connection', prismaError('P1017', { kind: 'ConnectionClosed' })],
    ['a socket timeout', prismaError('P1008', { kind: 'SocketTimeout' })],
    ['a full server', prismaError('P2037', { kind: 'TooManyConnections', cause: 'too many clients' })],
    ['an administrator shutdown (57P01)', prismaError('P2010', postgres('57P01', 'terminating connection'))],
    ['a crash shutdown (57P02)', prismaError('P2010', postgres('57P02', 'terminating connection'))],
    ['a server starting up (57P03)', prismaError('P2010', postgres('57P03', 'the database system is starting up'))],
    ['a connection exception (08006)', prismaError('P2010', postgres('08006', 'connection failure'))],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    [
      'a connect timeout',
      new Error('Connection terminated due to connection timeout', {
        cause: new Error('Connection terminated unexpectedly'),
      }),
    ],
    ['a pool wait timeout', new Error('timeout exceeded when trying to connect')],
    [
      'an initialisation failure',
      new Prisma.PrismaClientInitializationError("Can't reach database server", '7', 'P1001'),
    ],
  ])('reads %s as the database being unavailable: 503 with retry-after', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    const mapped = toGatewayError(error);
    expect(mapped.status).toBe(503);
    expect(mapped.toBody().error).toMatchObject({ type: 'server_error', code: 'service_unavailable' });
    expect(Number(mapped.headers['retry-after'])).toBeGreaterThan(0);
  });

  it.each([
    ['a unique violation', prismaError('P2002', { kind: 'UniqueConstraintViolation' })],
    ['a missing table', prismaError('P2021', { kind: 'TableDoesNotExist' })],
    ['a syntax error in our SQL', prismaError('P2010', postgres('42601', 'syntax error'))],
    ['an ordinary bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ])('leaves %s a 500', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(isUnstorableText(error)).toBe(false);
    expect(toGatewayError(error).status).toBe(500);
  });

  it.each([
    [
      'a NUL in text (22021)',
      prismaError('P2039', postgres('22021', 'invalid byte sequence for encoding "UTF8": 0x00')),
    ],
    ['a NUL in JSON (22P05)', prismaError('P2039', postgres('22P05', 'unsupported Unicode escape sequence'))],
    [
      'an unpaired surrogate in JSON',
      prismaError('P2007', { kind: 'InvalidInputValue', message: 'invalid input syntax for type json' }),
    ],
  ])('answers %s from a client with 400', (_name, error) => {
    expect(isUnstorableText(error)).toBe(true);
    expect(toGatewayError(error).status).toBe(400);
  });
});
