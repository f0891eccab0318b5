/**
 * A TAXII 2.1 client (OASIS TAXII 2.1, sections 4–5): server discovery, API
 * roots, collections, and a collection's objects page by page (`limit`,
 * `next`, `added_after`; the `more`/`next` envelope and the
 * `X-TAXII-Date-Added-First`/`-Last` headers). Sightline's only network
 * client: it talks to the server the user names and nothing else (an API
 * root or redirect to another origin is refused), verifies TLS (node's
 * fetch), bounds every request in time and size, and turns every failure
 * into a TaxiiError that says what went wrong.
 */

/** The media type TAXII 2.1 requires in Accept. */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
/** Longest wait for one request, answer included (ms). */
export const DEFAULT_TAXII_TIMEOUT_MS = 60_000;
/** Largest answer read (bytes); an envelope is bounded by the server's max_content_length, usually far less. */
export const MAX_TAXII_RESPONSE_BYTES = 256 * 1024 * 1024;
/** Objects asked for per page; servers may give fewer. */
export const DEFAULT_TAXII_PAGE_LIMIT = 1000;

/** How to authenticate: a bearer token, or HTTP Basic. */
export type TaxiiAuth = { token: string } | { user: string; password: string } | null;

export interface TaxiiClientOptions {
  auth: TaxiiAuth;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

/** A failed exchange with the server, said so a user can act on it. */
export class TaxiiError extends Error {
  constructor(message: string, readonly status: number | null = null) {
    super(message);
    this.name = 'TaxiiError';
  }
}

export interface TaxiiDiscovery { title: string; default: string | null; apiRoots: string[] }
export interface TaxiiCollection { id: string; title: string; canRead: boolean }
export interface TaxiiPage {
  objects: unknown[];
  more: boolean;
  next: string | null;
  /** X-TAXII-Date-Added-First / -Last of this page, when the server sent them. */
  dateAddedFirst: string | null;
  dateAddedLast: string | null;
}

type Rec = Record<string, unknown>;

export class TaxiiClient {
  private readonly origin: string;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;

  /** `base`: the URL the user named; every request stays on its origin. */
  constructor(base: string, private readonly opts: TaxiiClientOptions) {
    let u: URL;
    try {
      u = new URL(base);
    } catch {
      throw new TaxiiError(`not a URL: ${base}`);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new TaxiiError(`not an http(s) URL: ${base}`);
    if (u.protocol === 'http:' && opts.auth !== null && !isLoopback(u.hostname)) {
      throw new TaxiiError(`refusing to send credentials over plain http to ${u.host}: use https`);
    }
    this.origin = u.origin;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TAXII_TIMEOUT_MS;
    this.maxBytes = opts.maxResponseBytes ?? MAX_TAXII_RESPONSE_BYTES;
  }

  /** A URL relative to `from`, refused when it leaves the named server's origin. */
  resolve(url: string, from: string): string {
    let u: URL;
    try {
      u = new URL(url, from);
    } catch {
      throw new TaxiiError(`the server named a URL that does not parse: ${JSON.stringify(url).slice(0, 200)}`);
    }
    if (u.origin !== this.origin) throw new TaxiiError(`the server points to ${u.origin}, another server than the one named (${this.origin}); pull from it by naming it`);
    return u.href;
  }

  /** GET a TAXII resource: its JSON body and headers. */
  async get(url: string): Promise<{ body: Rec; headers: Headers }> {
    const target = this.resolve(url, url);
    const headers: Record<string, string> = { Accept: TAXII_MEDIA_TYPE };
    const auth = this.opts.auth;
    if (auth !== null && 'token' in auth) headers['Authorization'] = `Bearer ${auth.token}`;
    else if (auth !== null) headers['Authorization'] = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
    const signal = AbortSignal.timeout(this.timeoutMs);
    let res: Response;
    try {
      res = await fetch(target, { headers, redirect: 'manual', signal });
    } catch (e) {
      throw new TaxiiError(describeFetchError(e, target, this.timeoutMs));
    }
    let text: string;
    try {
      text = await readBounded(res, this.maxBytes);
    } catch (e) {
      if (e instanceof TaxiiError) throw e;
      throw new TaxiiError(describeFetchError(e, target, this.timeoutMs));
    }
    if (res.status >= 300 && res.status < 400) {
      throw new TaxiiError(`${target}: the server redirects (${res.status}) to ${res.headers.get('location') ?? 'nowhere'}; name that URL instead`, res.status);
    }
    if (!res.ok) throw new TaxiiError(statusMessage(res.status, target, text), res.status);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new TaxiiError(`${target}: the answer is not TAXII JSON (content-type ${res.headers.get('content-type') ?? 'none'}; starts ${JSON.stringify(text.slice(0, 60))})`, res.status);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new TaxiiError(`${target}: the answer is JSON but not a TAXII resource (an object)`, res.status);
    }
    return { body: body as Rec, headers: res.headers };
  }

  /** Server discovery (`/taxii2/`, section 4.1). */
  async discovery(url: string): Promise<TaxiiDiscovery> {
    const { body } = await this.get(url);
    if (!Array.isArray(body['api_roots'])) throw new TaxiiError(`${url}: not a TAXII discovery resource (no api_roots)`);
    return {
      title: str(body['title']),
      default: typeof body['default'] === 'string' ? this.resolve(body['default'], url) : null,
      apiRoots: body['api_roots'].filter((r): r is string => typeof r === 'string').map((r) => this.resolve(r, url)),
    };
  }

  /** Whether a URL is an API root (section 4.2): it answers with `versions`. */
  async isApiRoot(url: string): Promise<boolean> {
    const { body } = await this.get(url);
    return Array.isArray(body['versions']);
  }

  /** The collections of an API root (section 5.1). */
  async collections(apiRoot: string): Promise<TaxiiCollection[]> {
    const { body } = await this.get(this.resolve('collections/', withSlash(apiRoot)));
    const list = body['collections'];
    if (list === undefined) return []; // an API root without collections answers {}
    if (!Array.isArray(list)) throw new TaxiiError(`${apiRoot}: "collections" is not a list`);
    return list.filter((c): c is Rec => typeof c === 'object' && c !== null && typeof (c as Rec)['id'] === 'string')
      .map((c) => ({ id: c['id'] as string, title: str(c['title']), canRead: c['can_read'] === true }));
  }

  /** One page of a collection's objects (section 5.4). */
  async objects(apiRoot: string, collectionId: string, q: { addedAfter?: string | null; next?: string | null; limit?: number }): Promise<TaxiiPage> {
    const u = new URL(this.resolve(`collections/${encodeURIComponent(collectionId)}/objects/`, withSlash(apiRoot)));
    if (q.addedAfter) u.searchParams.set('added_after', q.addedAfter);
    if (q.next) u.searchParams.set('next', q.next);
    u.searchParams.set('limit', String(q.limit ?? DEFAULT_TAXII_PAGE_LIMIT));
    const { body, headers } = await this.get(u.href);
    const objects = body['objects'] ?? [];
    if (!Array.isArray(objects)) throw new TaxiiError(`${u.href}: the envelope's "objects" is not a list`);
    if (body['more'] !== undefined && typeof body['more'] !== 'boolean') throw new TaxiiError(`${u.href}: the envelope's "more" is not true or false`);
    return {
      objects,
      more: body['more'] === true,
      next: typeof body['next'] === 'string' && body['next'] !== '' ? body['next'] : null,
      dateAddedFirst: timestampHeader(headers.get('x-taxii-date-added-first')),
      dateAddedLast: timestampHeader(headers.get('x-taxii-date-added-last')),
    };
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function withSlash(u: string): string {
  return u.endsWith('/') ? u : `${u}/`;
}

/** A TAXII timestamp header (RFC 3339, UTC), or null when absent or not one. */
function timestampHeader(v: string | null): string | null {
  if (v === null) return null;
  const t = v.trim();
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/.test(t) ? t : null;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The body as text, refused past `max` bytes. */
async function readBounded(res: Response, max: number): Promise<string> {
  const length = Number(res.headers.get('content-length'));
  if (Number.isFinite(length) && length > max) {
    await res.body?.cancel();
    throw new TaxiiError(`${res.url}: an answer of ${length} bytes is over the limit of ${max}`);
  }
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > max) {
      await reader.cancel();
      throw new TaxiiError(`${res.url}: an answer over the limit of ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function statusMessage(status: number, url: string, text: string): string {
  // A TAXII error message (section 3.6.1) says why in its title and description.
  let why = '';
  try {
    const e = JSON.parse(text) as Rec;
    why = [str(e['title']), str(e['description'])].filter((x) => x !== '').join(': ');
  } catch {
    // not JSON: the status says enough
  }
  const detail = why !== '' ? ` (${why.slice(0, 200)})` : '';
  if (status === 401) return `${url}: 401 Unauthorized${detail}: the server refused the credentials; the token may have expired, or --token/--user is missing`;
  if (status === 403) return `${url}: 403 Forbidden${detail}: these credentials may not read this resource (an expired token, or no read access to the collection)`;
  if (status === 404) return `${url}: 404 Not Found${detail}: no such API root or collection`;
  if (status === 406 || status === 415) return `${url}: ${status}${detail}: the server does not speak TAXII 2.1 (${TAXII_MEDIA_TYPE})`;
  return `${url}: the server answered ${status}${detail}`;
}

function describeFetchError(e: unknown, url: string, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `${url}: no answer within ${timeoutMs / 1000} s`;
  const cause = err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
  if (/CERT|SSL|TLS|self.signed|UNABLE_TO_VERIFY/i.test(cause)) return `${url}: TLS certificate not trusted (${cause})`;
  return `${url}: cannot reach the server (${cause})`;
}
