/**
 * Reads MISP JSON: an event export (`{"Event": …}`), a bare event, a list
 * of events, or restSearch's `{"response": [{"Event": …}, …]}`.
 */
import { diag } from '../../core/diagnostic.js';
import type { CampaignInfo, IntelItem } from '../../core/model.js';
import type { IntelSink } from '../intel-sink.js';
import { parseJsonDocument } from '../json-document.js';
import { quoteValue } from '../quote-value.js';
import { mapSourceType, normalizeTypedValue } from '../typed-value.js';

/** Most events read from one document. */
export const MAX_MISP_EVENTS = 1_000_000;
/** Most synonyms kept per campaign. */
export const MAX_ALIASES = 1000;

/** MISP attribute types we import; every other type is ignored silently. */
const IMPORTED_TYPES: ReadonlySet<string> = new Set([
  'domain', 'hostname', 'ip-src', 'ip-dst', 'ip-src|port', 'ip-dst|port', 'domain|ip', 'url', 'md5', 'sha1', 'sha256',
  'filename', 'filename|md5', 'filename|sha1', 'filename|sha256', 'imphash', 'filename|imphash', 'email-src', 'email-dst',
]);

/** Galaxy types naming an actor: preferred as the campaign. */
const ACTOR_GALAXY_RE = /threat-actor|intrusion-set/;
/** Galaxy types naming a tool or malware family: the campaign when no actor is named. */
const MALWARE_GALAXIES: ReadonlySet<string> = new Set([
  'mitre-malware', 'malpedia', 'tool', 'mitre-tool', 'mitre-enterprise-attack-malware', 'mitre-enterprise-attack-tool',
  'banker', 'rat', 'ransomware', 'botnet', 'backdoor', 'stealer', 'android', 'exploit-kit',
]);

type Rec = Record<string, unknown>;

/** Reads one MISP document's bytes into the sink; never throws on bad input. */
export function readMisp(data: Buffer, path: string, sink: IntelSink): void {
  const doc = parseJsonDocument(data, path);
  if (!doc.ok) { sink.diagnostic(doc.diagnostic); return; }
  const events = collectEvents(doc.value);
  if (events === null) { sink.diagnostic(diag('bad-record', path, 'no MISP event in this JSON')); return; }
  let n = 0;
  for (const e of events) {
    if (++n > MAX_MISP_EVENTS) { sink.diagnostic(diag('too-large', path, `more than ${MAX_MISP_EVENTS} events; the rest are not read`)); return; }
    if (!isRecord(e)) { sink.diagnostic(diag('bad-record', path, `event ${n} is not an object`)); continue; }
    readEvent(e, path, sink);
  }
}

function collectEvents(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v.map(unwrapEvent);
  if (!isRecord(v)) return null;
  if (Array.isArray(v['response'])) return v['response'].map(unwrapEvent);
  if (isRecord(v['response'])) return [unwrapEvent(v['response'])];
  if (isRecord(v['Event'])) return [v['Event']];
  if ('Attribute' in v || 'Object' in v || ('info' in v && 'uuid' in v)) return [v];
  return null;
}

function unwrapEvent(v: unknown): unknown {
  return isRecord(v) && isRecord(v['Event']) ? v['Event'] : v;
}

function readEvent(e: Rec, path: string, sink: IntelSink): void {
  const info = typeof e['info'] === 'string' ? e['info'].trim() : '';
  const campaign = pickCampaign(e) ?? (info !== '' ? { name: info, aliases: [] } : null);
  if (campaign) sink.campaign(campaign);
  const campaigns = campaign ? [campaign.name] : [];
  const eventId = typeof e['uuid'] === 'string' ? e['uuid'] : typeof e['id'] === 'string' ? e['id'] : '?';
  readAttributes(e['Attribute'], eventId, info, campaigns, path, sink);
  const objects = e['Object'];
  if (Array.isArray(objects)) {
    for (const o of objects) {
      if (isRecord(o) && o['deleted'] !== true) readAttributes(o['Attribute'], eventId, info, campaigns, path, sink);
    }
  }
}

function readAttributes(attrs: unknown, eventId: string, info: string, campaigns: string[], path: string, sink: IntelSink): void {
  if (!Array.isArray(attrs)) return;
  for (const a of attrs) {
    if (!isRecord(a) || a['deleted'] === true) continue;
    const type = a['type'];
    const value = a['value'];
    if (typeof type !== 'string' || !IMPORTED_TYPES.has(type)) continue;
    const kinds = mapSourceType(type);
    if (kinds === null) continue;
    const attrId = typeof a['uuid'] === 'string' ? a['uuid'] : '?';
    if (typeof value !== 'string') {
      sink.diagnostic(diag('bad-record', path, `event ${eventId} attribute ${attrId}: ${type} value is not a string`));
      continue;
    }
    const comment = typeof a['comment'] === 'string' && a['comment'].trim() !== '' ? a['comment'].trim() : info;
    for (const part of normalizeTypedValue(kinds, value)) {
      if (!part.ok) {
        sink.diagnostic(diag('not-indicator', path, `event ${eventId} attribute ${attrId}: not an indicator: ${quoteValue(part.raw)}`));
        continue;
      }
      const item: IntelItem = { type: part.type, value: part.value, campaigns: [...campaigns] };
      if (comment !== '') item.description = comment;
      sink.item(item);
    }
  }
}

/** The event's threat actor (first), else its malware/tool cluster, with the cluster's synonyms. */
function pickCampaign(e: Rec): CampaignInfo | null {
  const galaxies = e['Galaxy'];
  if (!Array.isArray(galaxies)) return null;
  let malware: CampaignInfo | null = null;
  for (const g of galaxies) {
    if (!isRecord(g) || typeof g['type'] !== 'string') continue;
    const actor = ACTOR_GALAXY_RE.test(g['type']);
    if (!actor && (malware !== null || !MALWARE_GALAXIES.has(g['type']))) continue;
    const c = firstCluster(g['GalaxyCluster']);
    if (c === null) continue;
    if (actor) return c;
    malware = c;
  }
  return malware;
}

function firstCluster(clusters: unknown): CampaignInfo | null {
  if (!Array.isArray(clusters)) return null;
  for (const c of clusters) {
    if (!isRecord(c) || typeof c['value'] !== 'string' || c['value'].trim() === '') continue;
    const name = c['value'].trim();
    const aliases: string[] = [];
    const meta = c['meta'];
    const syn = isRecord(meta) ? meta['synonyms'] : undefined;
    if (Array.isArray(syn)) {
      for (const s of syn) {
        if (typeof s !== 'string') continue;
        const t = s.trim();
        if (t !== '' && t !== name && !aliases.includes(t) && aliases.length < MAX_ALIASES) aliases.push(t);
      }
    }
    return { name, aliases };
  }
  return null;
}

function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
