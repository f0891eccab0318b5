/**
 * What makes the server safe to expose (docs/api.md, Security): response
 * headers on every answer, bearer tokens and roles, the request rate per
 * client, and — when no token is asked for — answering only loopback host
 * names and refusing writes from other origins.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { findApiToken, type ApiRole, type Store } from '../index.js';
import { ApiError } from './errors.js';
import type { RateLimiter } from './rate-limit.js';

/** The headers every response carries. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Longest Authorization header read. */
const MAX_AUTHORIZATION_CHARS = 512;

/**
 * How requests are authorised: `required` — every API request needs a
 * token; `auto` — a token is needed once the case holds any (else every
 * request may read and write, as on a laptop's loopback).
 */
export type AuthMode = 'required' | 'auto';

export type AppEnv = { Variables: { role: ApiRole } };

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  };
}

export function rateLimit(limiter: RateLimiter, clientOf: (c: Context) => string): MiddlewareHandler {
  return async (c, next) => {
    const wait = limiter.take(clientOf(c));
    if (wait > 0) throw new ApiError('rate-limited', `too many requests: try again in ${wait} s`, { 'Retry-After': String(wait) });
    await next();
  };
}

/** Whether a Host header names this machine's loopback interface (any port). */
export function isLoopbackHost(host: string): boolean {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:]+)(?::\d{1,5})?$/.exec(host);
  if (!m) return false;
  const name = m[1]!.toLowerCase();
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Authorises API requests and sets the role. Without a token asked for,
 * only loopback host names are answered (a page on another site that points
 * a name of its own at 127.0.0.1 — DNS rebinding — is refused). Writes are
 * refused from another origin whatever the mode (a form on another site can
 * post to 127.0.0.1), and to readers.
 */
export function authorise(store: Store, mode: AuthMode): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const write = !READ_METHODS.has(c.req.method);
    if (write) checkSameOrigin(c);
    const tokens = await store.listApiTokens();
    if (mode === 'required' || tokens.length > 0) {
      const header = c.req.header('Authorization');
      const challenge = { 'WWW-Authenticate': 'Bearer realm="sightline"' };
      if (header === undefined) throw new ApiError('unauthorized', 'this server needs a token: Authorization: Bearer TOKEN (sightline token create)', challenge);
      const m = header.length <= MAX_AUTHORIZATION_CHARS ? /^Bearer ([A-Za-z0-9._~+/=-]{1,256})$/.exec(header) : null;
      const token = m ? findApiToken(tokens, m[1]!) : null;
      if (token === null) throw new ApiError('unauthorized', 'the token is not valid for this case', challenge);
      c.set('role', token.role);
    } else {
      if (!isLoopbackHost(requestHost(c))) {
        throw new ApiError('forbidden', 'without tokens this server answers only loopback host names (127.0.0.1, localhost, [::1])');
      }
      c.set('role', 'analyst');
    }
    if (write && c.get('role') !== 'analyst') throw new ApiError('forbidden', 'a reader token cannot change the case: an analyst token can');
    await next();
  };
}

function checkSameOrigin(c: Context): void {
  if (c.req.header('Sec-Fetch-Site') === 'cross-site') throw new ApiError('forbidden', 'a write from another site is refused');
  const origin = c.req.header('Origin');
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new ApiError('forbidden', 'a write from an unknown origin is refused');
  }
  if (host !== requestHost(c)) throw new ApiError('forbidden', 'a write from another origin is refused');
}

/** The host the request was sent to: the Host header, as @hono/node-server builds the request's URL from it. */
function requestHost(c: Context): string {
  return c.req.header('Host') ?? new URL(c.req.url).host;
}
