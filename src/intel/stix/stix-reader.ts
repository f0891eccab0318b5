/**
 * Reads STIX 2.0 and 2.1 JSON: a bundle, a single object or an array of
 * objects. Indicators with STIX patterns become items; malware, tools,
 * intrusion sets, campaigns and threat actors become campaigns.
 */
import { diag, quoteForDiagnostic } from '../../core/diagnostic.js';
import { quoteValue } from '../quote-value.js';
import type { IndicatorType, IntelItem } from '../../core/model.js';
import { normalizeCidr, normalizeIndicator } from '../../core/normalize.js';
import type { IntelSink } from '../intel-sink.js';
import { parseJsonDocument } from '../json-document.js';
import { StixPatternError } from './pattern-lexer.js';
import { parseStixPattern } from './pattern-parser.js';
import { reduceStixPattern, type PatternValue } from './pattern-reduce.js';

/** Most objects read from one document; the rest are reported, not read. */
export const MAX_STIX_OBJECTS = 5_000_000;
/** Longest alias list kept per campaign. */
export const MAX_ALIASES = 1000;

/** Object types that name a threat, read as Sightline campaigns. */
const CAMPAIGN_TYPES: ReadonlySet<string> = new Set(['malware', 'tool', 'intrusion-set', 'campaign', 'threat-actor']);

type StixObject = Record<string, unknown> & { type: string; id: string };

/** Reads one STIX document's bytes into the sink; never throws on bad input. */
export function readStix(data: Buffer, path: string, sink: IntelSink): void {
  const doc = parseJsonDocument(data, path);
  if (!doc.ok) { sink.diagnostic(doc.diagnostic); return; }
  const objects = collectObjects(doc.value, path, sink);
  if (objects === null) return;
  const latest = keepLatestVersions(objects);

  const campaignNames = new Map<string, string>();
  for (const o of latest.values()) {
    if (!CAMPAIGN_TYPES.has(o.type) || isWithdrawn(o)) continue;
    const name = typeof o['name'] === 'string' ? o['name'].trim() : '';
    if (name === '') continue;
    campaignNames.set(o.id, name);
    sink.campaign({ name, aliases: collectAliases(o, name) });
  }

  const indicates = new Map<string, string[]>();
  for (const o of latest.values()) {
    if (o.type !== 'relationship' || isWithdrawn(o) || o['relationship_type'] !== 'indicates') continue;
    const src = o['source_ref'];
    const dst = o['target_ref'];
    if (typeof src !== 'string' || typeof dst !== 'string') continue;
    const name = campaignNames.get(dst);
    if (name === undefined) continue;
    const list = indicates.get(src);
    if (list === undefined) indicates.set(src, [name]);
    else if (!list.includes(name)) list.push(name);
  }

  for (const o of latest.values()) {
    if (o.type !== 'indicator' || isWithdrawn(o)) continue;
    readIndicator(o, indicates.get(o.id) ?? [], path, sink);
  }
}

/** The objects of a bundle, a single object, or an array; null (and a diagnostic) when there are none to read. */
function collectObjects(value: unknown, path: string, sink: IntelSink): StixObject[] | null {
  let list: unknown[];
  if (Array.isArray(value)) list = value;
  else if (isRecord(value) && value['type'] === 'bundle') {
    const objs = value['objects'];
    if (objs === undefined) return [];
    if (!Array.isArray(objs)) { sink.diagnostic(diag('bad-record', path, 'bundle "objects" is not an array')); return null; }
    list = objs;
  } else if (isRecord(value)) list = [value];
  else { sink.diagnostic(diag('bad-record', path, 'not a STIX bundle or object')); return null; }
  if (list.length > MAX_STIX_OBJECTS) {
    sink.diagnostic(diag('too-large', path, `${list.length} objects; only the first ${MAX_STIX_OBJECTS} are read`));
    list = list.slice(0, MAX_STIX_OBJECTS);
  }
  const out: StixObject[] = [];
  list.forEach((o, i) => {
    if (isRecord(o) && typeof o['type'] === 'string' && typeof o['id'] === 'string') out.push(o as StixObject);
    else sink.diagnostic(diag('bad-record', path, `object ${i} has no string "type" and "id"`));
  });
  return out;
}

/** Several versions of one id: keep the one with the latest `modified`. */
function keepLatestVersions(objects: StixObject[]): Map<string, StixObject> {
  const byId = new Map<string, StixObject>();
  for (const o of objects) {
    const seen = byId.get(o.id);
    if (seen === undefined || modifiedOf(o) > modifiedOf(seen)) byId.set(o.id, o);
  }
  return byId;
}

function modifiedOf(o: StixObject): number {
  const m = o['modified'];
  const t = typeof m === 'string' ? Date.parse(m) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
}

function isWithdrawn(o: StixObject): boolean {
  return o['revoked'] === true || o['x_mitre_deprecated'] === true;
}

function collectAliases(o: StixObject, name: string): string[] {
  const out: string[] = [];
  for (const key of ['aliases', 'x_mitre_aliases']) {
    const a = o[key];
    if (!Array.isArray(a)) continue;
    for (const v of a) {
      if (typeof v !== 'string') continue;
      const t = v.trim();
      if (t !== '' && t !== name && !out.includes(t) && out.length < MAX_ALIASES) out.push(t);
    }
  }
  return out;
}

function readIndicator(o: StixObject, campaigns: string[], path: string, sink: IntelSink): void {
  const patternType = o['pattern_type'];
  const pattern = o['pattern'];
  if (patternType !== undefined && patternType !== 'stix') {
    sink.diagnostic(diag('unsupported', path, `${o.id}: pattern_type ${quoteForDiagnostic(String(patternType), 40)} is not supported`));
    return;
  }
  if (typeof pattern !== 'string') {
    sink.diagnostic(diag('bad-record', path, `${o.id}: indicator has no pattern`));
    return;
  }
  let reduction;
  try {
    reduction = reduceStixPattern(parseStixPattern(pattern));
  } catch (e) {
    if (!(e instanceof StixPatternError)) throw e;
    sink.diagnostic(diag('bad-record', path, `${o.id}: pattern syntax error: ${e.message}: ${quoteForDiagnostic(pattern)}`));
    return;
  }
  if (!reduction.ok) {
    sink.diagnostic(diag('unsupported', path, `${o.id}: ${reduction.reason}: ${quoteForDiagnostic(pattern)}`));
    return;
  }
  const name = typeof o['name'] === 'string' ? o['name'] : typeof o['description'] === 'string' ? o['description'] : undefined;
  const seen = new Set<string>();
  for (const v of reduction.values) {
    const item = normalizePatternValue(v);
    if (item === null) {
      sink.diagnostic(diag('not-indicator', path, `${o.id}: not an indicator: ${quoteValue(v.raw)}`));
      continue;
    }
    const key = `${item.type}\0${item.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const out: IntelItem = { type: item.type, value: item.value, campaigns: [...campaigns] };
    if (name !== undefined) out.description = name;
    sink.item(out);
  }
}

/** Normalises a value named by a pattern; an address with a prefix length becomes a CIDR. */
function normalizePatternValue(v: PatternValue): { type: IndicatorType; value: string } | null {
  if (v.type === 'ip4' || v.type === 'ip6') {
    const raw = v.raw.trim();
    if (raw.indexOf('/') >= 0) {
      if (raw.indexOf(':') >= 0 !== (v.type === 'ip6')) return null;
      return normalizeCidr(raw);
    }
    const type = v.type === 'ip4' ? 'ipv4' : 'ipv6';
    const value = normalizeIndicator(type, raw);
    return value === null ? null : { type, value };
  }
  const value = normalizeIndicator(v.type, v.raw);
  return value === null ? null : { type: v.type, value };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
