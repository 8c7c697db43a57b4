export * from './chat.js';
export * from './errors.js';
export * from './images.js';
export * from './models.js';
export * from './openapi.js';
export * from './usage.js';
