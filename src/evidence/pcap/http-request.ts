/**
 * HTTP/1.x request heads (RFC 9112 §3): request line, Host, and what is
 * needed to skip the body to the next pipelined request; and the status line
 * of a reply (§4), enough to tell whether a proxy opened a CONNECT tunnel.
 */
import { parseIPv4 } from '../../core/ip.js';

/** Longest request method token accepted when sniffing. */
export const MAX_METHOD_LENGTH = 20;
/** Headers read per request. */
export const MAX_HTTP_HEADERS = 200;

/** One request head. */
export interface HttpRequestHead {
  method: string;
  target: string;
  /** The Host header's value as written (trimmed), or null. */
  host: string | null;
  /** Content-Length, or 0 when absent. */
  contentLength: number;
  /** The body is chunked (or the length cannot be known): the rest of the stream is not followed. */
  unfollowable: boolean;
  /** Bytes of the head, from its first byte to after the blank line. */
  headLength: number;
}

/** true: starts like a request; false: cannot be one; null: too few bytes to tell. */
export function sniffHttpRequest(buf: Buffer, off: number, len: number): boolean | null {
  const n = Math.min(len, MAX_METHOD_LENGTH + 1);
  for (let i = 0; i < n; i++) {
    const c = buf[off + i]!;
    if (c === 0x20) return i >= 3;
    if (!((c >= 0x41 && c <= 0x5a) || c === 0x2d || c === 0x5f)) return false;
  }
  return len > MAX_METHOD_LENGTH ? false : null;
}

/** Where the head in buf[off, off+len) ends (index after the blank line), or -1 when not yet. */
export function findHeadEnd(buf: Buffer, off: number, len: number): number {
  const end = off + len;
  for (let i = off; i < end; i++) {
    if (buf[i] !== 0x0a) continue;
    if (i + 1 < end && buf[i + 1] === 0x0a) return i + 2;
    if (i + 2 < end && buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/** Parses a complete head buf[off, headEnd); null when it is no HTTP/1.x request. */
export function parseHttpRequestHead(buf: Buffer, off: number, headEnd: number): HttpRequestHead | null {
  const text = buf.toString('latin1', off, headEnd);
  const lines = text.split('\n');
  const first = (lines[0] ?? '').replace(/\r$/, '');
  const sp1 = first.indexOf(' ');
  const sp2 = first.lastIndexOf(' ');
  if (sp1 < 3 || sp2 <= sp1) return null;
  const version = first.slice(sp2 + 1);
  if (!version.startsWith('HTTP/')) return null;
  const head: HttpRequestHead = {
    method: first.slice(0, sp1), target: first.slice(sp1 + 1, sp2).trim(), host: null,
    contentLength: 0, unfollowable: false, headLength: headEnd - off,
  };
  readHeaders(lines, head, (name, value) => {
    if (name === 'host' && head.host === null) head.host = value;
  });
  if (head.method === 'CONNECT') head.unfollowable = true;
  return head;
}

/**
 * Host without its port (IPv6 brackets dropped), and whether it is an address:
 * bracketed or with two colons (IPv6), or an IPv4 address as core/ip.ts reads
 * one (`999.1.1.1` is not; it is reported as a name, as splitHost does).
 */
export function splitHostPort(host: string): { host: string; isIp: boolean } {
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return { host: close > 0 ? host.slice(1, close) : host.slice(1), isIp: true };
  }
  const colons = host.split(':').length - 1;
  if (colons > 1) return { host, isIp: true };
  const h = colons === 1 ? host.slice(0, host.indexOf(':')) : host;
  return { host: h, isIp: parseIPv4(h) !== null };
}

/** The authority of an absolute-form target (`http://host:port/path` → `host:port`), or null. */
export function authorityOf(target: string): string | null {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(target);
  if (!m) return null;
  const auth = m[1]!;
  const at = auth.lastIndexOf('@');
  return at >= 0 ? auth.slice(at + 1) : auth;
}

/** The parts of an HTTP/1.x response head needed to follow a proxy's reply to CONNECT. */
export interface HttpResponseHead {
  /** The three-digit status code (RFC 9110 §15). */
  status: number;
  /** Content-Length, or 0 when absent. */
  contentLength: number;
  /** The body's length cannot be known from the head (chunked, or a bad Content-Length). */
  unfollowable: boolean;
}

/** Parses a complete response head buf[off, headEnd) (RFC 9112 §4 status line); null when it is none. */
export function parseHttpResponseHead(buf: Buffer, off: number, headEnd: number): HttpResponseHead | null {
  const lines = buf.toString('latin1', off, headEnd).split('\n');
  const m = /^HTTP\/1\.\d (\d{3})(?: |\r?$)/.exec(lines[0] ?? '');
  if (!m) return null;
  const head: HttpResponseHead = { status: Number(m[1]), contentLength: 0, unfollowable: false };
  readHeaders(lines, head, () => undefined);
  return head;
}

/**
 * Reads the header lines after a start line (at most MAX_HTTP_HEADERS): the
 * body's framing (Content-Length, or unfollowable for chunked or a bad
 * length) into `head`, every header (name lower-cased, value trimmed) to `each`.
 */
function readHeaders(lines: readonly string[], head: { contentLength: number; unfollowable: boolean }, each: (name: string, value: string) => void): void {
  for (let i = 1; i < lines.length && i <= MAX_HTTP_HEADERS; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') {
      if (/^\d{1,15}$/.test(value)) head.contentLength = Number(value);
      else head.unfollowable = true;
    } else if (name === 'transfer-encoding') {
      head.unfollowable = true;
    }
    each(name, value);
  }
}

/** The host of an authority-form target (`host:port`, RFC 9112 §3.2.3, CONNECT only), or null when it is not one. */
export function connectHostOf(target: string): string | null {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^\s:/?#@[\]]+):\d{1,5}$/.exec(target);
  return m ? m[1]! : null;
}
