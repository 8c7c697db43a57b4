import { z } from 'zod';

/**
 * A date in an API output: services return `Date`s, clients receive ISO 8601 strings, and the
 * router's types say so on both sides (tRPC types a resolver by a parser's input, a client by its output).
 */
export const Timestamp = z.date().transform((date) => date.toISOString());
