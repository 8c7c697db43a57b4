/**
 * A fresh key for one logical POST. Built from `getRandomValues`, which every runtime has, unlike
 * `randomUUID`, which browsers offer only on secure origins.
 */
export function newIdempotencyKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return `sw-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
