/**
 * `sightline serve`: the app on a socket (@hono/node-server). Binding to a
 * loopback address needs no token until the case holds one; binding to any
 * other address needs tokens, always, and refuses to start without them.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { openStore, type Store } from '../index.js';
import { appState, createApp, type AppOptions } from './app.js';

/** How long a request may take, headers to end of body: a 1 GiB upload over a slow link takes a while. */
const REQUEST_TIMEOUT_MS = 60 * 60 * 1000;
const HEADERS_TIMEOUT_MS = 60 * 1000;

export interface ServerOptions extends Omit<AppOptions, 'store' | 'auth'> {
  /** The case (a SQLite file path). */
  location: string;
  host: string;
  /** 0: any free port. */
  port: number;
}

export interface RunningServer {
  url: string;
  store: Store;
  /** Whether API requests need a token now (a loopback server needs one once the case holds any). */
  auth: 'required' | 'auto';
  close(): Promise<void>;
}

/** Whether an address to bind is this machine's loopback interface. */
export function isLoopbackAddress(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const store = await openStore(opts.location);
  try {
    const loopback = isLoopbackAddress(opts.host);
    if (!loopback && (await store.listApiTokens()).length === 0) {
      throw new Error(`serving on ${opts.host} needs tokens, and the case holds none: create one with ` +
        '`sightline token create --role reader|analyst` (or serve on 127.0.0.1)');
    }
    const auth = loopback ? 'auto' : 'required';
    const { location, host: _h, port: _p, ...appOpts } = opts;
    const app = createApp({ ...appOpts, store, auth, statsThread: true, location });
    // A bad --geoip or --sectors file is said now, not at the first request.
    await appState(app).cache.warm();
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, hostname: opts.host, port: opts.port }, () => resolve(s));
      s.once('error', reject);
    });
    if ('requestTimeout' in server) {
      server.requestTimeout = REQUEST_TIMEOUT_MS;
      server.headersTimeout = HEADERS_TIMEOUT_MS;
    }
    const addr = server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return {
      url: `http://${host}:${addr.port}/`,
      store,
      auth,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          if ('closeAllConnections' in server) server.closeAllConnections();
        });
        await appState(app).cache.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
