import { createHmac, timingSafeEqual } from 'node:crypto';

/** Image links are `/v1/images/files/<id>.png?expires=<unix s>&sig=<HMAC>`: shareable, unguessable, expiring. */
export function signImagePath(imageId: string, expires: number, secret: string): string {
  return createHmac('sha256', secret).update(`${imageId}:${expires}`).digest('base64url');
}

export function verifyImageSignature(
  imageId: string,
  expires: number,
  signature: string,
  secret: string,
  now = Date.now(),
): boolean {
  if (!Number.isFinite(expires) || expires * 1000 <= now) return false;
  const expected = Buffer.from(signImagePath(imageId, expires, secret), 'base64url');
  const given = Buffer.from(signature, 'base64url');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
