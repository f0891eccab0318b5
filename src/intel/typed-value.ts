/**
 * Maps the type names intel sources use (MISP attribute types, AlienVault
 * OTX and OpenCTI indicator types) to ours, and normalises typed values,
 * splitting MISP's composite `a|b` values into their parts.
 */
import type { IndicatorType } from '../core/model.js';
import { normalizeCidr, normalizeIndicator, normalizeIp, refang } from '../core/normalize.js';

/** A value's family before normalisation: `ip` becomes ipv4, ipv6 or cidr by its value. */
export type ValueKind = IndicatorType | 'ip';

/** How the parts of a typed value map: one kind per `|`-separated part; null drops the part (a port). */
const SOURCE_TYPES: Record<string, readonly (ValueKind | null)[]> = {
  // MISP attribute types
  'domain': ['domain'], 'hostname': ['domain'],
  'ip-src': ['ip'], 'ip-dst': ['ip'], 'ip-src|port': ['ip', null], 'ip-dst|port': ['ip', null],
  'domain|ip': ['domain', 'ip'], 'hostname|port': ['domain', null],
  'url': ['url'], 'md5': ['md5'], 'sha1': ['sha1'], 'sha256': ['sha256'], 'filename': ['filename'],
  'filename|md5': ['filename', 'md5'], 'filename|sha1': ['filename', 'sha1'], 'filename|sha256': ['filename', 'sha256'],
  'imphash': ['imphash'], 'filename|imphash': ['filename', 'imphash'],
  'email-src': ['email'], 'email-dst': ['email'], 'email': ['email'],
  // AlienVault OTX (matched lower-cased)
  'ipv4': ['ip'], 'ipv6': ['ip'], 'cidr': ['ip'],
  'filehash-md5': ['md5'], 'filehash-sha1': ['sha1'], 'filehash-sha256': ['sha256'],
  // OpenCTI / STIX observable types
  'domain-name': ['domain'], 'ipv4-addr': ['ip'], 'ipv6-addr': ['ip'], 'email-addr': ['email'],
  'file-md5': ['md5'], 'file-sha1': ['sha1'], 'file-sha256': ['sha256'],
};

/** The part kinds for a source type name, or null when it is none of ours. */
export function mapSourceType(name: string): readonly (ValueKind | null)[] | null {
  return SOURCE_TYPES[name.trim().toLowerCase()] ?? null;
}

/** One normalised part of a typed value, or the raw text of a part that did not normalise. */
export type TypedPart = { ok: true; type: IndicatorType; value: string } | { ok: false; raw: string };

/** Splits and normalises a value of a known source type (see mapSourceType). */
export function normalizeTypedValue(kinds: readonly (ValueKind | null)[], raw: string): TypedPart[] {
  const parts = kinds.length > 1 ? raw.split('|') : [raw];
  if (parts.length !== kinds.length) return [{ ok: false, raw }];
  const out: TypedPart[] = [];
  kinds.forEach((kind, i) => {
    if (kind === null) return;
    const p = parts[i] ?? '';
    const n = kind === 'ip' ? normalizeAddress(p) : normalizeValue(kind, p);
    out.push(n === null ? { ok: false, raw: p } : { ok: true, ...n });
  });
  return out;
}

function normalizeValue(type: IndicatorType, raw: string): { type: IndicatorType; value: string } | null {
  const value = normalizeIndicator(type, raw);
  return value === null ? null : { type, value };
}

/** An address or CIDR: ipv4, ipv6 or cidr (a full-length prefix is an address). */
export function normalizeAddress(raw: string): { type: IndicatorType; value: string } | null {
  const t = refang(raw.trim());
  if (t.indexOf('/') >= 0) return normalizeCidr(t);
  const ip = normalizeIp(t);
  return ip === null ? null : { type: ip.family === 4 ? 'ipv4' : 'ipv6', value: ip.value };
}
