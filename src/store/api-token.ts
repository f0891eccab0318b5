/**
 * The API's bearer tokens (`sightline token create`, `sightline serve`): 32
 * random bytes in base64url, shown once; the case keeps only their SHA-256
 * (Store.addApiToken), so a copy of the case file grants no access.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiRole, ApiToken } from './store.js';

/** Random bytes in a token. */
const TOKEN_BYTES = 32;

/** The roles a token may grant, least first. */
export const API_ROLES: readonly ApiRole[] = ['reader', 'analyst'];

export function isApiRole(s: string): s is ApiRole {
  return (API_ROLES as readonly string[]).includes(s);
}

/** Hex SHA-256 of a token's text: what the case keeps. */
export function apiTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new token and its hash. */
export function generateApiToken(): { token: string; sha256: string } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, sha256: apiTokenHash(token) };
}

/**
 * The token among `tokens` that `presented` is, or null. Every stored hash
 * is compared, in constant time, whatever matches: how long this takes says
 * nothing about which token, or how much of one, was right.
 */
export function findApiToken(tokens: readonly ApiToken[], presented: string): ApiToken | null {
  const digest = createHash('sha256').update(presented, 'utf8').digest();
  let found: ApiToken | null = null;
  for (const t of tokens) {
    const stored = Buffer.from(t.sha256, 'hex');
    if (stored.length === digest.length && timingSafeEqual(stored, digest) && found === null) found = t;
  }
  return found;
}
