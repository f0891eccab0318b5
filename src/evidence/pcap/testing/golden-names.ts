/**
 * Test helper: the names we report per packet, in the shape of the tshark
 * golden files (testdata/golden/*.json), so the two can be compared whole.
 */
import type { Observation } from '../../../core/model.js';

/** Per packet number: field → sorted values. */
export type NamesByPacket = Record<string, Record<string, string[]>>;

/** A golden file: what tshark reported for one capture. */
export interface GoldenCapture {
  capture: string;
  packets: number;
  frames: Record<string, Record<string, string[]>>;
}

/** Strips the port from an HTTP Host value, as our http.host does. */
function stripPort(h: string): string {
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  return h.split(':').length === 2 ? h.slice(0, h.indexOf(':')) : h;
}

/**
 * The host named by a request target tshark reports in http.request.uri: an absolute-form
 * target's authority (RFC 9112 §3.2.2) or a CONNECT's authority-form target (§3.2.3), without
 * userinfo and port; null for origin-form and asterisk-form.
 */
function targetHost(uri: string): string | null {
  const abs = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(uri);
  if (abs) return stripPort(abs[1]!.slice(abs[1]!.lastIndexOf('@') + 1));
  if (/^(\[[0-9A-Fa-f:.]+\]|[^\s:/?#@[\]]+):\d{1,5}$/.test(uri)) return stripPort(uri);
  return null;
}

/**
 * The comparable names of a golden file: dns.query, dns.answer.ip, dns.answer.domain, http.host, tls.sni.
 * http.host is tshark's Host header values plus the host a request target names when no Host
 * value of that frame names it already (we report both, RFC 9112 §3.2.2; tshark's http.host is the header only).
 */
export function namesFromGolden(g: GoldenCapture): NamesByPacket {
  const out: NamesByPacket = {};
  for (const [frame, f] of Object.entries(g.frames)) {
    const rec: Record<string, string[]> = {};
    const put = (k: string, v: string[] | undefined): void => {
      if (v && v.length) rec[k] = [...(rec[k] ?? []), ...v];
    };
    put('dns.query', f['dns.qry.name']?.filter((n) => n !== '<Root>'));
    put('dns.answer.ip', f['dns.a']);
    put('dns.answer.ip', f['dns.aaaa']);
    put('dns.answer.domain', f['dns.cname']);
    const hosts = f['http.host']?.map(stripPort) ?? [];
    for (const uri of f['http.request.uri'] ?? []) {
      const h = targetHost(uri);
      if (h !== null && h !== '' && !hosts.some((x) => x.toLowerCase() === h.toLowerCase())) hosts.push(h);
    }
    put('http.host', hosts);
    put('tls.sni', f['tls.handshake.extensions_server_name']);
    for (const k of Object.keys(rec)) rec[k]!.sort();
    if (Object.keys(rec).length) out[frame] = rec;
  }
  return out;
}

/** The same shape from our observations. */
export function namesFromObservations(obs: readonly Observation[]): NamesByPacket {
  const out: NamesByPacket = {};
  for (const o of obs) {
    let key: string;
    if (o.field === 'dns.answer') key = o.kind === 'ip' ? 'dns.answer.ip' : 'dns.answer.domain';
    else if (o.field === 'dns.query' || o.field === 'http.host' || o.field === 'tls.sni') key = o.field;
    else continue;
    const rec = (out[String(o.packet)] ??= {});
    (rec[key] ??= []).push(o.value);
  }
  for (const rec of Object.values(out)) for (const k of Object.keys(rec)) rec[k]!.sort();
  return out;
}
