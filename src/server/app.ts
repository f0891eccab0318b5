/**
 * The HTTP API and the dashboard's files as one hono app (docs/api.md).
 * `createApp` builds it over an open case; tests call `app.request()`, and
 * `startServer` (serve.ts) puts it on a socket through @hono/node-server.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono, type Context } from 'hono';
import type { EnrichOptions, Store } from '../index.js';
import { readRoutes } from './api-read.js';
import { writeRoutes } from './api-write.js';
import { CampaignCache, LocalStats } from './campaign-cache.js';
import { ApiError, errorBody } from './errors.js';
import { JobRunner } from './jobs.js';
import { OPENAPI } from './openapi.js';
import { Query } from './params.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { authorise, rateLimit, securityHeaders, type AppEnv, type AuthMode } from './security.js';
import { loadStaticFiles } from './static-files.js';
import { StatsThread } from './stats-thread.js';

/** The default cap on an uploaded file: 1 GiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 ** 3;
/** Requests a second each client may keep up by default (twice as many at once). */
export const DEFAULT_RATE_PER_SECOND = 50;

export interface AppOptions {
  store: Store;
  /**
   * `required` (the default): every API request needs a bearer token.
   * `auto`: a token is needed once the case holds any; until then only
   * loopback host names are answered (what `serve` on 127.0.0.1 uses).
   */
  auth?: AuthMode;
  /** Where uploads are written, one folder each (default: `<case>-uploads` beside a case file). */
  uploadDir?: string;
  /** The largest file an upload may carry (default 1 GiB). */
  maxUploadBytes?: number;
  /** Requests a second per client address (default 50, burst 100; 0 turns the limit off). */
  rateLimit?: RateLimitOptions;
  /** The client's address, for the rate limit (default: the socket's peer under @hono/node-server, else `local`). */
  clientAddress?: (c: Context) => string;
  /** The dashboard's built files (dist/web); none by default. */
  webDir?: string;
  /** Geolocation and sector files for enrichment (serve's --geoip, --sectors). */
  enrich?: EnrichOptions;
  /** Worker threads per uploaded hunt (default: the library's). */
  huntWorkers?: number;
  /**
   * Compute campaign statistics in a worker thread with its own connection
   * to the case (serve does; needs a case file), so the server answers
   * while they are computed. Default: in this thread.
   */
  statsThread?: boolean;
  /** Where the statistics thread opens the case: the location with its credentials (default the store's, which shows none). */
  location?: string;
}

/** What a created app holds besides its routes (for the server and tests). */
export interface AppState {
  cache: CampaignCache;
  jobs: JobRunner;
}

const states = new WeakMap<Hono<AppEnv>, AppState>();

/** The jobs and cache of an app made by createApp. */
export function appState(app: Hono<AppEnv>): AppState {
  const s = states.get(app);
  if (!s) throw new Error('not an app made by createApp');
  return s;
}

/** The default upload folder: beside the case file, else in the system's temporary folder. */
export function defaultUploadDir(store: Store): string {
  const loc = store.location;
  return loc === '' || loc === ':memory:' || /^[a-z][a-z0-9+.-]*:/i.test(loc) ? join(tmpdir(), `sightline-uploads-${process.pid}`) : `${loc}-uploads`;
}

/** The socket peer's address under @hono/node-server (its `incoming` request), else `local` (app.request in tests). */
function socketAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

export function createApp(opts: AppOptions): Hono<AppEnv> {
  const store = opts.store;
  const auth = opts.auth ?? 'required';
  const maxUploadBytes = opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const cache = new CampaignCache(store, opts.statsThread ? new StatsThread(store, opts.enrich, opts.location) : new LocalStats(store, opts.enrich));
  const jobs = new JobRunner();
  const limiter = new RateLimiter(opts.rateLimit ?? { perSecond: DEFAULT_RATE_PER_SECOND });
  const files = opts.webDir !== undefined ? loadStaticFiles(opts.webDir) : new Map();

  const app = new Hono<AppEnv>();
  states.set(app, { cache, jobs });
  app.use('*', securityHeaders());
  app.use('*', rateLimit(limiter, opts.clientAddress ?? socketAddress));
  app.use('/api/*', async (c, next) => {
    const t0 = performance.now();
    await next();
    // Set on the response's headers, not with c.header: after the handler that would copy the response through a stream.
    const headers = c.res.headers;
    headers.set('Cache-Control', 'no-store');
    // The server's own share of a request's time (browsers' developer tools show it; bench/serve sums it apart from queueing).
    headers.set('Server-Timing', `app;dur=${(performance.now() - t0).toFixed(2)}`);
  });
  app.get('/api/openapi.json', (c) => {
    new Query(c.req.url, []);
    return c.json(OPENAPI);
  });
  app.use('/api/*', authorise(store, auth));
  readRoutes(app, { store, cache, jobs, auth, maxUploadBytes });
  writeRoutes(app, {
    store, jobs, uploadDir: opts.uploadDir ?? defaultUploadDir(store), maxUploadBytes,
    ...(opts.huntWorkers !== undefined ? { huntWorkers: opts.huntWorkers } : {}),
  });

  // The dashboard: only the files read at start, by exact path.
  app.get('*', (c) => {
    const f = files.get(c.req.path);
    if (f === undefined) {
      throw new ApiError('not-found', files.size === 0 && c.req.path === '/'
        ? 'the dashboard is not built: run `npm run build` (the API is under /api/)' : `nothing at ${c.req.path.slice(0, 200)}`);
    }
    return c.body(f.body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': f.type, 'Cache-Control': f.cacheControl });
  });

  app.notFound((c) => {
    const known = app.routes.some((r) => r.method !== 'ALL' && routeMatches(r.path, c.req.path));
    if (known) return c.json(errorBody('method-not-allowed', `${c.req.method} is not allowed here`), 405);
    return c.json(errorBody('not-found', `nothing at ${c.req.path.slice(0, 200)}`), 404);
  });
  app.onError((e, c) => {
    if (e instanceof ApiError) {
      for (const [k, v] of Object.entries(e.headers)) c.header(k, v);
      return c.json(errorBody(e.code, e.message), e.status);
    }
    // A bug or a failing case, not the client's doing: said without internals.
    process.emitWarning(`sightline serve: ${c.req.method} ${c.req.path}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return c.json(errorBody('internal', 'the server failed to answer this request; its log says why'), 500);
  });
  return app;
}

/** Whether a route pattern (`/api/jobs/:id`) matches a path. */
function routeMatches(pattern: string, path: string): boolean {
  if (pattern === '*' || pattern === '/*') return false;
  const p = pattern.split('/');
  const q = path.split('/');
  return p.length === q.length && p.every((s, i) => s.startsWith(':') ? q[i] !== '' : s === q[i]);
}
