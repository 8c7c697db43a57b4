/** Injection tokens for the gateway's shared singletons. */
export const LOGGER = Symbol('LOGGER');
export const DB = Symbol('DB');
export const PROVIDERS = Symbol('PROVIDERS');
export { GATEWAY_CONFIG } from '../config/env.js';
