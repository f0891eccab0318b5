/**
 * A TAXII 2.1 server for tests, on 127.0.0.1 only, built from the
 * specification's examples (OASIS TAXII 2.1, sections 4.1, 4.2, 5.1, 5.4):
 * discovery at /taxii2/, one API root at /api1/, its collections, and each
 * collection's objects in envelopes (`more`, `next`) filtered by
 * `added_after`, with the X-TAXII-Date-Added-First/-Last headers. It can
 * refuse a token (401), answer garbage, or hang, as broken servers do.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const TAXII_CONTENT_TYPE = 'application/taxii+json;version=2.1';

export interface TestCollection {
  id: string;
  title: string;
  canRead?: boolean;
  /** Objects with the time the server added each (RFC 3339, UTC, distinct, ascending). */
  objects: { dateAdded: string; object: Record<string, unknown> }[];
}

export interface TestTaxiiOptions {
  /** Bearer tokens accepted; none: no authentication. */
  tokens?: string[];
  /** Tokens refused as expired (401 with a TAXII error message). */
  expiredTokens?: string[];
  /** Most objects per page, whatever the client asks for. */
  pageSize: number;
  collections: TestCollection[];
  /** Answers the objects request for this page number (1-based, counted per server) with HTML. */
  garbageOnPage?: number;
  /** Never answers an objects request for this page number. */
  hangOnPage?: number;
  /** Leave out `next` (the client pages by added_after). */
  noNext?: boolean;
}

export interface TestTaxiiServer {
  url: string;
  /** Every request's path and query, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1, on a port of the system's choosing. */
export async function startTaxiiServer(opts: TestTaxiiOptions): Promise<TestTaxiiServer> {
  const requests: string[] = [];
  const hung: ServerResponse[] = [];
  let objectPages = 0;
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handle(req, res);
  });
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': TAXII_CONTENT_TYPE, ...headers });
    res.end(JSON.stringify(body));
  };
  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const accept = req.headers['accept'] ?? '';
    if (!accept.includes('application/taxii+json')) { send(res, 406, { title: 'Not Acceptable' }); return; }
    if (opts.tokens !== undefined || opts.expiredTokens !== undefined) {
      const auth = req.headers['authorization'] ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      if (opts.expiredTokens?.includes(token)) { send(res, 401, { title: 'Unauthorized', description: 'token expired' }); return; }
      if (!(opts.tokens ?? []).includes(token)) { send(res, 401, { title: 'Unauthorized' }); return; }
    }
    const path = url.pathname;
    if (path === '/taxii2/') {
      send(res, 200, { title: 'Sightline test TAXII server', description: 'for tests', default: '/api1/', api_roots: ['/api1/'] });
      return;
    }
    if (path === '/api1/') {
      send(res, 200, { title: 'API root one', versions: [TAXII_CONTENT_TYPE], max_content_length: 104857600 });
      return;
    }
    if (path === '/api1/collections/') {
      send(res, 200, { collections: opts.collections.map((c) => ({ id: c.id, title: c.title, can_read: c.canRead ?? true, can_write: false, media_types: [TAXII_CONTENT_TYPE] })) });
      return;
    }
    const m = /^\/api1\/collections\/([^/]+)\/objects\/$/.exec(path);
    const c = m ? opts.collections.find((x) => x.id === decodeURIComponent(m[1]!)) : undefined;
    if (!m || !c) { send(res, 404, { title: 'Not Found' }); return; }
    if (c.canRead === false) { send(res, 403, { title: 'Forbidden', description: 'no read access' }); return; }
    objectPages++;
    if (opts.hangOnPage === objectPages) { hung.push(res); return; }
    if (opts.garbageOnPage === objectPages) {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
      return;
    }
    const after = url.searchParams.get('added_after');
    const limit = Math.min(Number(url.searchParams.get('limit') ?? opts.pageSize) || opts.pageSize, opts.pageSize);
    const start = Number(url.searchParams.get('next') ?? '0');
    // added_after is exclusive: objects added strictly after it (section 3.4.2).
    const matching = c.objects.filter((o) => after === null || o.dateAdded > after);
    const page = matching.slice(start, start + limit);
    const more = start + limit < matching.length;
    const headers: Record<string, string> = {};
    if (page.length > 0) {
      headers['X-TAXII-Date-Added-First'] = page[0]!.dateAdded;
      headers['X-TAXII-Date-Added-Last'] = page[page.length - 1]!.dateAdded;
    }
    const envelope: Record<string, unknown> = { more };
    if (more && !opts.noNext) envelope['next'] = String(start + limit);
    if (page.length > 0) envelope['objects'] = page.map((o) => o.object);
    send(res, 200, envelope, headers);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/taxii2/`,
    requests,
    close: () => new Promise<void>((resolve) => {
      for (const r of hung) r.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
