export * from './store.js';
export { openStore, DEFAULT_CASE, isPostgresLocation, shownLocation } from './open.js';
export { API_ROLES, isApiRole, apiTokenHash, generateApiToken, findApiToken } from './api-token.js';
