/**
 * abuse.ch ThreatFox: the CSV export (header
 * `# "first_seen_utc","ioc_id","ioc_value","ioc_type",…` in a comment, fields
 * quoted and separated by `", "`, `None` for no value), the JSON export
 * (`{"<ioc id>": [{"ioc_value": …, "ioc_type": …}]}`) and the API's
 * `{"query_status": "ok", "data": [{"ioc": …}]}`. The campaign is the family
 * the feed names (`malware_printable`, else `fk_malware`), with the feed's
 * aliases; `ip:port` keeps the address, the port goes to the description.
 */
import { diag } from '../../core/diagnostic.js';
import type { IntelSink } from '../intel-sink.js';
import type { CsvProfile } from '../ioc-list/csv-profile.js';
import { parseJsonDocument } from '../json-document.js';
import type { ValueKind } from '../typed-value.js';
import { emitFeedValue, feedConfidence, feedName, feedTime, FeedCampaigns, fieldText, rowLookup, SkippedKinds, splitHostPort } from './feed-fields.js';

/** Most IOCs read from one JSON document. */
export const MAX_THREATFOX_RECORDS = 10_000_000;

/** ThreatFox `ioc_type` → our kinds (`ip:port` is split first). */
const IOC_KINDS: Record<string, ValueKind> = {
  'ip:port': 'ip', 'domain': 'domain', 'url': 'url', 'md5_hash': 'md5', 'sha1_hash': 'sha1', 'sha256_hash': 'sha256',
};

/** The family ThreatFox prints when it does not know one. */
const UNKNOWN_FAMILY = /^unknown( malware)?$/i;

/** Reads ThreatFox records, each given as a look-up by field name. */
class ThreatFoxRecords {
  private readonly campaigns: FeedCampaigns;
  private readonly skipped = new SkippedKinds();

  constructor(private readonly path: string, private readonly sink: IntelSink) {
    this.campaigns = new FeedCampaigns(sink);
  }

  read(get: (name: string) => string, line: number | undefined, where: string): void {
    const raw = get('ioc_value') || get('ioc');
    if (raw === '') return;
    const type = get('ioc_type').toLowerCase();
    const kind = IOC_KINDS[type];
    if (kind === undefined) { this.skipped.add(type || 'untyped'); return; }
    let value = raw;
    const notes = [get('threat_type')];
    if (type === 'ip:port') {
      const hp = splitHostPort(raw);
      if (hp) { value = hp.host; notes.push(`port ${hp.port}`); }
    }
    const printable = feedName(get('malware_printable'));
    const fk = feedName(get('fk_malware') || get('malware'));
    const name = printable !== '' && !UNKNOWN_FAMILY.test(printable) ? printable : fk;
    const aliases = [fk, ...get('malware_alias').split(',')];
    emitFeedValue(this.sink, this.path, kind, value, {
      campaigns: this.campaigns.name(name, aliases),
      description: notes.filter((x) => x !== '').join(', '),
      firstSeen: feedTime(get('first_seen_utc') || get('first_seen')),
      lastSeen: feedTime(get('last_seen_utc') || get('last_seen')),
      confidence: feedConfidence(get('confidence_level')),
      line,
    }, where);
  }

  end(): void {
    this.skipped.report(this.sink, this.path, 'IOC types with no Sightline indicator type');
  }
}

export const THREATFOX_PROFILE: CsvProfile = {
  knows: (h) => h.includes('ioc_value') && h.includes('ioc_type'),
  open(header, path, sink) {
    const r = new ThreatFoxRecords(path, sink);
    return { row: (fields, line) => r.read(rowLookup(header, fields), line, ''), end: () => r.end() };
  },
};

/** Reads a ThreatFox JSON export or API response; never throws on bad input. */
export function readThreatFoxJson(data: Buffer, path: string, sink: IntelSink): void {
  const doc = parseJsonDocument(data, path);
  if (!doc.ok) { sink.diagnostic(doc.diagnostic); return; }
  const v = doc.value;
  const records: { id: string; rec: unknown }[] = [];
  if (isRecord(v) && 'query_status' in v) {
    // The API: data is a list, or a sentence (`"Your search did not yield any results"`) when there is none.
    if (Array.isArray(v['data'])) v['data'].forEach((rec, i) => records.push({ id: isRecord(rec) ? fieldText(rec['id']) || String(i + 1) : String(i + 1), rec }));
    else if (v['query_status'] !== 'ok' && v['query_status'] !== 'no_result') {
      sink.diagnostic(diag('bad-record', path, `ThreatFox query status ${JSON.stringify(String(v['query_status'])).slice(0, 80)}`));
    }
  } else if (isRecord(v)) {
    for (const [id, list] of Object.entries(v)) {
      if (Array.isArray(list)) for (const rec of list) records.push({ id, rec });
      else records.push({ id, rec: list });
    }
  } else if (Array.isArray(v)) {
    v.forEach((rec, i) => records.push({ id: String(i + 1), rec }));
  } else {
    sink.diagnostic(diag('bad-record', path, 'not a ThreatFox export: neither an object nor a list'));
    return;
  }
  const r = new ThreatFoxRecords(path, sink);
  let n = 0;
  for (const { id, rec } of records) {
    if (++n > MAX_THREATFOX_RECORDS) { sink.diagnostic(diag('too-large', path, `more than ${MAX_THREATFOX_RECORDS} IOCs; the rest are not read`)); break; }
    if (!isRecord(rec)) { sink.diagnostic(diag('bad-record', path, `IOC ${id.slice(0, 40)} is not an object`)); continue; }
    r.read((name) => fieldText(rec[name]), undefined, `IOC ${id.slice(0, 40)}: `);
  }
  r.end();
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
