export * from './store.js';
export { openStore, DEFAULT_CASE } from './open.js';
