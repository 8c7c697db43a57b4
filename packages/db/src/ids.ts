import { randomBytes } from 'node:crypto';

export type IdPrefix =
  | 'usr'
  | 'ses'
  | 'key'
  | 'pln'
  | 'sub'
  | 'rte'
  | 'job'
  | 'rec'
  | 'img'
  | 'cnv'
  | 'msg'
  | 'aud'
  | 'mtr'
  | 'req'
  | 'flg';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A type-prefixed, time-sortable id: `usr_` + 8 base36 chars of milliseconds + 16 random base36 chars.
 * Sorting ids sorts by creation time, which keeps index inserts local.
 */
export function newId(prefix: IdPrefix): string {
  const time = Date.now().toString(36).padStart(9, '0');
  const bytes = randomBytes(16);
  let random = '';
  for (const byte of bytes) random += ALPHABET[byte % 36];
  return `${prefix}_${time}${random}`;
}
