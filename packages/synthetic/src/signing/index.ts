/**
 * Signing and verifying provenance with Ed25519: the record embedded in every generated PNG and the
 * manifest of every dataset export. The gateway signs and verifies with it; the CLI verifies with it
 * offline, from the deployment's public keys alone. Pure apart from node:crypto and node:zlib.
 */
export { sha256Hex } from '../hash.js';
export * from './image.js';
export * from './keys.js';
export * from './manifest.js';
export * from './png.js';
export * from './record.js';
