/** Reading the System values every Windows event source writes as text: ids, record numbers, times, process ids. */
import { parseIsoMs } from '../line-reader.js';

/** Longest decimal record number read (2^53 has 16 digits). */
const MAX_RECORD_DIGITS = 15;

/** An EventID (`4688`, or a JSON number) → 0–65535, or null. */
export function parseEventId(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d{1,5}\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 0xffff ? n : null;
}

/** An EventRecordID (decimal text or a JSON number) → a safe integer ≥ 0, or null. */
export function parseRecordId(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : null;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  if (t.length === 0 || t.length > MAX_RECORD_DIGITS || !/^\d+$/.test(t)) return null;
  return Number(t);
}

/**
 * A process id as events write it: decimal (Sysmon `4696`) or hex (Security
 * `0x242c`) → a number, or null (`-`, empty, garbage, over 32 bits).
 */
export function parsePid(v: string | undefined): number | null {
  if (v === undefined) return null;
  const t = v.trim();
  let n: number;
  if (/^0[xX][0-9a-fA-F]{1,8}$/.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^\d{1,10}$/.test(t)) n = Number(t);
  else return null;
  return n <= 0xffffffff ? n : null;
}

/**
 * An event's time as the sources write it → epoch ms (UTC), or null:
 * `2020-10-23T02:36:43.5470000Z` (wevtutil: seven fraction digits),
 * `2016-07-08 18:12:51.681640` (evtx_dump.py: a space, no zone, UTC),
 * `2020-10-23T02:36:43.547Z` (Winlogbeat, OTRF). Fraction truncated to ms.
 */
export function parseEventTime(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t.length >= 19 ? parseIsoMs(t) : null;
}
