/**
 * TLS ClientHello server_name (RFC 8446 §4.1.2, RFC 6066 §3) from the first
 * bytes of a TCP stream: handshake records are joined, so a hello split over
 * segments or records is read whole.
 */

/** Largest ClientHello followed (it may span several records). */
export const MAX_CLIENT_HELLO_BYTES = 32 * 1024;

/** 'more': need more bytes; otherwise done, with the SNI (or null). */
export type ClientHelloResult = 'more' | { sni: string | null; error: string | null };

/** true: starts like a TLS handshake record; false: not; null: too few bytes. */
export function sniffTlsHandshake(buf: Buffer, off: number, len: number): boolean | null {
  if (len < 1) return null;
  if (buf[off] !== 0x16) return false;
  if (len < 3) return null;
  return buf[off + 1] === 3 && buf[off + 2]! <= 4;
}

/** Reads the ClientHello from the stream bytes buf[off, off+len) (records from the start). */
export function readClientHello(buf: Buffer, off: number, len: number): ClientHelloResult {
  const end = off + len;
  const parts: Buffer[] = [];
  let have = 0;
  let p = off;
  let need = -1;
  while (end - p >= 5) {
    if (buf[p] !== 0x16) return { sni: null, error: 'the handshake ends before the ClientHello does' };
    const rlen = buf.readUInt16BE(p + 3);
    if (end - p - 5 < rlen) break;
    parts.push(buf.subarray(p + 5, p + 5 + rlen));
    have += rlen;
    p += 5 + rlen;
    if (need < 0 && have >= 4) {
      const first = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      if (first[0] !== 1) return { sni: null, error: null }; // not a ClientHello (a ServerHello, …)
      need = 4 + ((first[1]! << 16) | (first[2]! << 8) | first[3]!);
      if (need > MAX_CLIENT_HELLO_BYTES) return { sni: null, error: `ClientHello of ${need} bytes is over ${MAX_CLIENT_HELLO_BYTES}` };
    }
    if (need >= 0 && have >= need) {
      const hs = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      return readServerName(hs, 4, need);
    }
  }
  if (len >= MAX_CLIENT_HELLO_BYTES + 64) return { sni: null, error: `ClientHello over ${MAX_CLIENT_HELLO_BYTES} bytes` };
  return 'more';
}

/** The server_name host_name in a ClientHello body hs[off, end). */
export function readServerName(hs: Buffer, off: number, end: number): { sni: string | null; error: string | null } {
  let p = off + 2 + 32;
  if (end - p < 1) return bad('ClientHello ends inside its random');
  p += 1 + hs[p]!;
  if (end - p < 2) return bad('ClientHello ends inside its session id');
  p += 2 + hs.readUInt16BE(p);
  if (end - p < 1) return bad('ClientHello ends inside its cipher suites');
  p += 1 + hs[p]!;
  if (p === end) return { sni: null, error: null }; // no extensions
  if (end - p < 2) return bad('ClientHello ends inside its compression methods');
  const extEnd = Math.min(end, p + 2 + hs.readUInt16BE(p));
  p += 2;
  while (extEnd - p >= 4) {
    const type = hs.readUInt16BE(p);
    const elen = hs.readUInt16BE(p + 2);
    p += 4;
    if (extEnd - p < elen) return bad('extension runs past the ClientHello');
    if (type === 0) {
      let q = p + 2;
      const listEnd = Math.min(p + elen, q + (elen >= 2 ? hs.readUInt16BE(p) : 0));
      while (listEnd - q >= 3) {
        const nt = hs[q]!;
        const nlen = hs.readUInt16BE(q + 1);
        q += 3;
        if (listEnd - q < nlen) return bad('server_name runs past its extension');
        if (nt === 0) return { sni: hs.toString('latin1', q, q + nlen), error: null };
        q += nlen;
      }
      return { sni: null, error: null };
    }
    p += elen;
  }
  return { sni: null, error: null };
}

function bad(error: string): { sni: null; error: string } {
  return { sni: null, error };
}
