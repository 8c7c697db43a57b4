/** Injection tokens for the billing service's shared singletons. */
export const LOGGER = Symbol('LOGGER');
export const DB = Symbol('DB');
export { BILLING_CONFIG } from '../config/env.js';
