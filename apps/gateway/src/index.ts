export { bootstrap, createGateway, type Gateway } from './bootstrap.js';
export { type GatewayConfig, GatewayEnv, loadGatewayConfig } from './config/env.js';
