/**
 * AlienVault OTX: a pulse (`{"name", "malware_families", "indicators": [{"indicator", "type", …}]}`),
 * a list of pulses, the API's paged `{"results": [pulse, …]}` (subscribed
 * pulses), and a pulse's paged indicator list (`{"results": [{"indicator", "type"}]}`).
 * Indicator types that map to ours are imported; YARA indicators are
 * compiled like a rule file; every other type is counted and reported once
 * per file. The campaign is the pulse's malware families, else its name.
 */
import { diag } from '../../core/diagnostic.js';
import type { IntelItem } from '../../core/model.js';
import type { IntelSink } from '../intel-sink.js';
import { parseJsonDocument } from '../json-document.js';
import type { ValueKind } from '../typed-value.js';
import { readYaraRules } from '../yara-rules/yara-reader.js';
import { emitFeedValue, feedName, feedTime, FeedCampaigns, fieldText, MAX_FEED_NAME_CHARS, SkippedKinds } from './feed-fields.js';

/** Most pulses read from one document. */
export const MAX_OTX_PULSES = 1_000_000;
/** Most indicators read from one document. */
export const MAX_OTX_INDICATORS = 10_000_000;

/** OTX indicator types that map to ours (matched lower-cased). */
const OTX_KINDS: Record<string, ValueKind> = {
  'ipv4': 'ip', 'ipv6': 'ip', 'cidr': 'ip', 'domain': 'domain', 'hostname': 'domain', 'url': 'url', 'uri': 'url',
  'filehash-md5': 'md5', 'filehash-sha1': 'sha1', 'filehash-sha256': 'sha256', 'email': 'email',
  // A certificate's SHA1 fingerprint is the SHA1 of its DER bytes (as SSLBL's).
  'sslcertfingerprint': 'sha1',
};

type Rec = Record<string, unknown>;

/** Reads one OTX document's bytes into the sink; never throws on bad input. */
export function readOtx(data: Buffer, path: string, sink: IntelSink): void {
  const doc = parseJsonDocument(data, path);
  if (!doc.ok) { sink.diagnostic(doc.diagnostic); return; }
  const pulses = collectPulses(doc.value);
  if (pulses === null) { sink.diagnostic(diag('bad-record', path, 'no OTX pulse or indicator in this JSON')); return; }
  const state = { campaigns: new FeedCampaigns(sink), skipped: new SkippedKinds(), indicators: 0, stopped: false };
  let n = 0;
  for (const p of pulses) {
    if (++n > MAX_OTX_PULSES) { sink.diagnostic(diag('too-large', path, `more than ${MAX_OTX_PULSES} pulses; the rest are not read`)); break; }
    if (!isRecord(p)) { sink.diagnostic(diag('bad-record', path, `pulse ${n} is not an object`)); continue; }
    readPulse(p, n, path, sink, state);
    if (state.stopped) break;
  }
  state.skipped.report(sink, path, 'OTX indicator types with no Sightline indicator type');
}

/** The pulses of a document; a bare indicator list is one pulse without a name. */
function collectPulses(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v.length > 0 && isRecord(v[0]) && !('indicators' in v[0]) && 'indicator' in v[0] ? [{ indicators: v }] : v;
  if (!isRecord(v)) return null;
  if (Array.isArray(v['indicators'])) return [v];
  const results = v['results'];
  if (Array.isArray(results)) {
    // A pulse's indicator list (`/pulses/{id}/indicators`) holds indicators, not pulses.
    if (results.some((r) => isRecord(r) && 'indicator' in r && !('indicators' in r))) return [{ indicators: results }];
    return results;
  }
  return null;
}

function readPulse(p: Rec, n: number, path: string, sink: IntelSink, state: { campaigns: FeedCampaigns; skipped: SkippedKinds; indicators: number; stopped: boolean }): void {
  const pulseName = feedName(p['name']);
  const families = familyNames(p['malware_families']);
  const campaigns = families.length > 0
    ? families.flatMap((f) => state.campaigns.name(f))
    : state.campaigns.name(pulseName);
  const indicators = p['indicators'];
  if (!Array.isArray(indicators)) {
    sink.diagnostic(diag('bad-record', path, `pulse ${label(p, n)}: no indicator list`));
    return;
  }
  for (const ind of indicators) {
    if (++state.indicators > MAX_OTX_INDICATORS) {
      sink.diagnostic(diag('too-large', path, `more than ${MAX_OTX_INDICATORS} indicators; the rest are not read`));
      state.stopped = true;
      return;
    }
    if (!isRecord(ind)) { sink.diagnostic(diag('bad-record', path, `pulse ${label(p, n)}: an indicator is not an object`)); continue; }
    const type = fieldText(ind['type']);
    const value = fieldText(ind['indicator']);
    if (value === '' && type.toLowerCase() !== 'yara') continue;
    const where = `pulse ${label(p, n)} indicator ${fieldText(ind['id']) || '?'}: `;
    const title = fieldText(ind['title']) || fieldText(ind['description']);
    const facts = {
      campaigns,
      description: title !== '' ? title : pulseName,
      firstSeen: feedTime(ind['created']),
    };
    if (type.toLowerCase() === 'yara') { readYara(ind, path, sink, facts, where); continue; }
    const kind = OTX_KINDS[type.toLowerCase()];
    if (kind === undefined || (type.toLowerCase() === 'uri' && !/^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(value))) {
      // A URI with no host (`/gate.php`) names nothing a hunt can match.
      state.skipped.add(kind === undefined ? type || 'untyped' : 'URI without a host');
      continue;
    }
    emitFeedValue(sink, path, kind, value, facts, where);
  }
}

/** A YARA indicator: its rule text (`content`) compiled and listed as a rule file's would be. */
function readYara(ind: Rec, path: string, sink: IntelSink, facts: { campaigns: string[]; description: string }, where: string): void {
  const text = fieldText(ind['content']) || fieldText(ind['indicator']);
  if (!/\brule\s+[A-Za-z_]/.test(text)) {
    sink.diagnostic(diag('not-indicator', path, `${where}YARA indicator without rule text`));
    return;
  }
  readYaraRules(Buffer.from(text, 'utf8'), path, {
    // The rule's line is in the rule text, not in this file: dropped.
    item: ({ line: _line, ...i }: IntelItem) => sink.item({ ...i, campaigns: [...facts.campaigns], ...(i.description === undefined ? { description: facts.description } : {}) }),
    campaign: (c) => sink.campaign(c),
    diagnostic: (d) => sink.diagnostic({ ...d, reason: `${where}${d.reason}` }),
  });
}

/** Family names from `malware_families`: strings, or objects with `display_name` (pulse details) or `id`. */
function familyNames(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const f of v) {
    const name = typeof f === 'string' ? feedName(f) : isRecord(f) ? feedName(f['display_name']) || feedName(f['name']) || feedName(f['id']) : '';
    if (name !== '' && !out.some((o) => o.toLowerCase() === name.toLowerCase())) out.push(name);
  }
  return out;
}

function label(p: Rec, n: number): string {
  const id = fieldText(p['id']);
  return (id !== '' ? id : String(n)).slice(0, MAX_FEED_NAME_CHARS);
}

function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
