/**
 * A MISP feed directory (what MISP's "feed" export and PyMISP's feed
 * generator write): `manifest.json` maps each event's UUID to a summary of
 * it, each event is `<uuid>.json`, and `hashes.csv` lists `md5(value),event uuid`
 * — MISP's look-up index of attribute *values*, not file hashes, so never
 * indicators.
 */

/** Most events a manifest may list. */
export const MAX_MANIFEST_EVENTS = 1_000_000;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HASH_INDEX_LINE_RE = /^[0-9a-f]{32},[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The event UUIDs a manifest lists (lower-cased, in its order), or null when the bytes are no MISP feed manifest. */
export function readMispManifest(data: Buffer): string[] | null {
  let v: unknown;
  try {
    const bom = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
    v = JSON.parse(data.toString('utf8', bom));
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const out: string[] = [];
  for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
    // Each entry summarises an event: its info, date or timestamp, and the organisation that made it.
    if (!UUID_RE.test(k) || typeof e !== 'object' || e === null || Array.isArray(e)) return null;
    if (!('info' in e) && !('timestamp' in e) && !('Orgc' in e)) return null;
    if (out.length >= MAX_MANIFEST_EVENTS) break;
    out.push(k.toLowerCase());
  }
  return out;
}

/** Whether a head is MISP's hashes.csv: every whole line `md5,event uuid`. */
export function isMispHashIndex(head: Buffer): boolean {
  const lines = head.toString('latin1').split('\n');
  // The last piece may be cut by the head's end.
  if (lines.length > 1) lines.pop();
  let n = 0;
  for (const l of lines) {
    const t = l.trim();
    if (t === '') continue;
    if (!HASH_INDEX_LINE_RE.test(t)) return false;
    n++;
  }
  return n > 0;
}
