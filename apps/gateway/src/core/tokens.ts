/** Injection tokens for the gateway's shared singletons. */
export const LOGGER = Symbol('LOGGER');
export const DB = Symbol('DB');
export const PROVIDERS = Symbol('PROVIDERS');
export const LIMITER = Symbol('LIMITER');
export const REDIS = Symbol('REDIS');
export { GATEWAY_CONFIG } from '../config/env.js';
