/**
 * Tells intel formats apart by content; the path's extension only breaks
 * ties (a `.yar` file with no rule yet, a `.txt`/`.csv` list).
 */
import type { IntelFormat } from './intel-sink.js';
import { detectFeedJson, detectFeedText } from './feeds/feeds.js';

/** Bytes of the head looked at. */
export const MAX_DETECT_BYTES = 64 * 1024;

const STIX_RE = /"type"\s*:\s*"(?:bundle|indicator|malware|intrusion-set|campaign|threat-actor|relationship|identity|attack-pattern|tool|marking-definition|x-mitre-[a-z-]+)"|"spec_version"\s*:|"id"\s*:\s*"[a-z0-9-]+--[0-9a-fA-F-]{36}"/;
const MISP_RE = /"(?:Event|Attribute|response)"\s*:|"(?:event_id|attribute_count|threat_level_id)"\s*:/;
const YARA_RE = /^[ \t]*(?:(?:private|global)[ \t]+)*rule[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t\r\n]*[:{]|^[ \t]*import[ \t]+"[a-z0-9_]+"|^[ \t]*include[ \t]+"/m;

/** Detects an intel file's format from its first ≤64 KiB; null when it is none we read. */
export function detectIntelFormat(head: Buffer, path: string): IntelFormat | null {
  const bytes = head.length > MAX_DETECT_BYTES ? head.subarray(0, MAX_DETECT_BYTES) : head;
  let start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (start < bytes.length && (bytes[start] === 0x20 || bytes[start] === 0x09 || bytes[start] === 0x0a || bytes[start] === 0x0d)) start++;
  if (start >= bytes.length) return null;
  if (isBinary(bytes, start)) return null;
  const text = bytes.toString('utf8', start);
  if (reportHint(bytes) !== null) return null; // an HTML page is no IOC list: `--format report` reads its text
  const lowerPath = path.toLowerCase();
  const first = bytes[start];
  if (first === 0x7b || first === 0x5b) { // { or [
    const feed = detectFeedJson(text);
    if (feed !== null) return feed;
    const stixAt = firstMatch(STIX_RE, text);
    const mispAt = firstMatch(MISP_RE, text);
    if (stixAt < 0 && mispAt < 0) return null;
    if (mispAt < 0) return 'stix';
    if (stixAt < 0) return 'misp';
    return stixAt < mispAt ? 'stix' : 'misp';
  }
  if (YARA_RE.test(text)) return 'yara';
  if (lowerPath.endsWith('.yar') || lowerPath.endsWith('.yara')) return 'yara';
  return detectFeedText(text) ?? 'ioc';
}

/**
 * 'a PDF' or 'an HTML page' when the head is one (no intel format, but a
 * report whose text `--format report` reads), else null.
 */
export function reportHint(head: Buffer): string | null {
  if (head.subarray(0, 1024).indexOf('%PDF-') >= 0) return 'a PDF';
  const text = head.toString('utf8', 0, Math.min(head.length, 1024)).replace(/^\ufeff/, '').trimStart().toLowerCase();
  return /^(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b/.test(text) ? 'an HTML page' : null;
}

function firstMatch(re: RegExp, text: string): number {
  const m = re.exec(text);
  return m ? m.index : -1;
}

/** NUL bytes, or many control bytes: not a text format. */
function isBinary(b: Buffer, start: number): boolean {
  let control = 0;
  const end = Math.min(b.length, start + 8192);
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === 0) return true;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) control++;
  }
  return control * 20 > end - start;
}
