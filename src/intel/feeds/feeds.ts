/**
 * The public feeds Sightline reads (abuse.ch URLhaus, ThreatFox,
 * MalwareBazaar, Feodo Tracker, SSLBL; AlienVault OTX), told apart by
 * content: their comment banners, column names and JSON keys, never the
 * file's name.
 */
import { diag } from '../../core/diagnostic.js';
import type { IntelSink } from '../intel-sink.js';
import { headerNames, type CsvProfile } from '../ioc-list/csv-profile.js';
import { readCsvRecord } from '../ioc-list/csv-record.js';
import { IOC_CSV_PROFILE, IocListReader } from '../ioc-list/ioc-list-reader.js';
import { FEODO_PROFILE } from './feodo.js';
import { MALWAREBAZAAR_PROFILE } from './malwarebazaar.js';
import { readOtx } from './otx.js';
import { SSLBL_PROFILE } from './sslbl.js';
import { readThreatFoxJson, THREATFOX_PROFILE } from './threatfox.js';
import { URLHAUS_PROFILE } from './urlhaus.js';
import { MAX_JSON_INTEL_BYTES } from '../../core/limits.js';
import { FEED_FORMATS, type FeedFormat } from './feed-format.js';

export { FEED_FORMATS, type FeedFormat };

/** Each CSV feed's layout (OTX is JSON only). */
const PROFILES: Record<Exclude<FeedFormat, 'otx'>, CsvProfile> = {
  urlhaus: URLHAUS_PROFILE, threatfox: THREATFOX_PROFILE, malwarebazaar: MALWAREBAZAAR_PROFILE, feodo: FEODO_PROFILE, sslbl: SSLBL_PROFILE,
};

/** Banner words naming a feed, for dumps whose header says less (URLhaus' and Feodo's plain lists). */
const BANNERS: readonly [RegExp, FeedFormat][] = [
  [/\bURLhaus\b/i, 'urlhaus'], [/\bThreatFox\b/i, 'threatfox'], [/\bMalwareBazaar\b/i, 'malwarebazaar'],
  [/\bFeodo ?Tracker\b/i, 'feodo'], [/\bSSLBL\b|\bSSL (?:Certificate )?Blacklist\b/i, 'sslbl'],
];

/** Lines of a text head examined for a header or banner. */
const DETECT_LINES = 100;

const OTX_PULSE_RE = /"indicators"\s*:\s*\[/;
const OTX_PULSE_KEY_RE = /"(?:malware_families|author_name|pulse_source|targeted_countries|attack_ids|adversary|TLP|tlp)"\s*:/;
const OTX_INDICATOR_RE = /"indicator"\s*:\s*"/;
const OTX_TYPE_RE = /"type"\s*:\s*"(?:IPv4|IPv6|CIDR|domain|hostname|URL|URI|email|FileHash-[A-Z0-9]+|YARA|CVE|Mutex|FilePath|JA3|SSLCertFingerprint|BitcoinAddress|osquery)"/;
/** An empty page of the OTX API (`{"count": 0, "next": null, "previous": null, "results": []}`): nothing to import, nothing wrong. */
const OTX_EMPTY_PAGE_RE = /^\{\s*"count"\s*:\s*0\s*,\s*"next"\s*:\s*null\s*,\s*"previous"\s*:\s*(?:null|"[^"]*")\s*,\s*"results"\s*:\s*\[\s*\]\s*\}\s*$/;
const THREATFOX_JSON_RE = /"ioc_value"\s*:|"ioc_type"\s*:\s*"(?:ip:port|domain|url|md5_hash|sha1_hash|sha256_hash)"/;

/** The feed a JSON head (text starting with `{` or `[`) is, or null. */
export function detectFeedJson(text: string): FeedFormat | null {
  if (THREATFOX_JSON_RE.test(text)) return 'threatfox';
  if (OTX_PULSE_RE.test(text) && OTX_PULSE_KEY_RE.test(text)) return 'otx';
  if (OTX_INDICATOR_RE.test(text) && OTX_TYPE_RE.test(text)) return 'otx';
  if (OTX_EMPTY_PAGE_RE.test(text)) return 'otx';
  return null;
}

/** The feed a text head is, by the header it names (in a comment or not) or its banner, or null. */
export function detectFeedText(text: string): FeedFormat | null {
  let banner = '';
  let examined = 0;
  for (const raw of text.split('\n')) {
    if (++examined > DETECT_LINES) break;
    const t = raw.trim();
    if (t === '') continue;
    const comment = t.startsWith('#');
    const body = comment ? t.replace(/^#+\s*/, '') : t;
    if (body.indexOf(',') >= 0) {
      const names = headerNames(readCsvRecord(Buffer.from(body, 'utf8'), 0).fields);
      for (const f of FEED_FORMATS) if (f !== 'otx' && PROFILES[f].knows(names)) return f;
    }
    if (!comment) break;
    banner += `${body}\n`;
  }
  for (const [re, f] of BANNERS) if (re.test(banner)) return f;
  return null;
}

/** Reads one whole feed file into the sink. */
export function readFeed(data: Buffer, path: string, format: FeedFormat, sink: IntelSink): void {
  const s = streamFeed(path, format, sink);
  s.push(data);
  s.end();
}

/** Whether a head's first non-blank byte opens JSON. */
function startsJson(b: Buffer): boolean {
  let i = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i++;
  return b[i] === 0x7b || b[i] === 0x5b;
}

/**
 * A feed file read in chunks: CSV and line lists record by record (the
 * IOC list reader with the feed's layout, and the IOC list's own for a
 * generic header); JSON (OTX, ThreatFox's export) gathered and read whole.
 */
export function streamFeed(path: string, format: FeedFormat, sink: IntelSink): { push(chunk: Buffer): void; end(): void } {
  let csv: IocListReader | null = null;
  let json: Buffer[] | null = null;
  let jsonBytes = 0;
  let tooLarge = false;
  return {
    push(chunk) {
      if (chunk.length === 0 || tooLarge) return;
      if (csv === null && json === null) {
        if (format === 'otx' || startsJson(chunk)) json = [];
        else csv = new IocListReader(path, sink, [PROFILES[format], IOC_CSV_PROFILE]);
      }
      if (csv !== null) { csv.push(chunk); return; }
      jsonBytes += chunk.length;
      if (jsonBytes > MAX_JSON_INTEL_BYTES) {
        tooLarge = true;
        json = [];
        sink.diagnostic(diag('too-large', path, `JSON document of more than ${MAX_JSON_INTEL_BYTES} bytes is over the limit`));
        return;
      }
      // A copy: the caller may reuse its chunk's memory once push returns.
      json!.push(Buffer.from(chunk));
    },
    end() {
      if (csv !== null) { csv.end(); return; }
      if (json === null || tooLarge) return;
      const data = Buffer.concat(json);
      if (format === 'otx') readOtx(data, path, sink);
      else if (format === 'threatfox') readThreatFoxJson(data, path, sink);
      else sink.diagnostic(diag('bad-record', path, `a ${format} feed is CSV or a line list, not JSON`));
    },
  };
}
