/**
 * When was a PE sample built? The COFF header's TimeDateStamp, judged the way
 * an APT report judges it before counting builds or reading working hours from
 * them. Pure: PE facts in (the JSON of `src/samples/pe/types.ts`, possibly
 * null, partial or from an older case), a verdict out.
 *
 * The rules, first match wins:
 * - no readable TimeDateStamp (no facts, neither `timestampRaw` nor
 *   `timestamp`, or a value that is not a 32-bit count of seconds): `missing`;
 * - 0: `zero` (stripped or never set);
 * - a reproducible build (`/Brepro`: the debug directory has a REPRO entry,
 *   which parsePe reports as `reproducible`, a `debug:repro` timestamp or the
 *   `timestamp-reproducible` anomaly): the stamp is a hash of the image, not a
 *   time: `reproducible`;
 * - Borland's constant 0x2A425E19 (1992-06-19T22:22:17Z, written by Delphi 4
 *   to 2006): the build time is in the resource directory's TimeDateStamp
 *   instead, when it holds a plausible one (below), else `delphi`;
 * - after `now`: `future`; before 1992-01-01: `before1992`.
 *
 * Delphi's resource directory stamp is an MS-DOS date and time (high word the
 * date, low word the time, two-second resolution), the *local* wall-clock time
 * of the machine that linked it (DosDateTimeToFileTime(HiWord, LoWord), as
 * Delphi's own build-date helpers read it). parsePe reports the raw value as
 * an `otherTimestamps` entry of source `resource` (its `iso` reads it as Unix
 * seconds, which is wrong for Delphi). We read it as a DOS date first; when
 * the value is no valid DOS date in [1992, now] but is a Unix time in that
 * range (a tool that rewrote the resources), we take it as that. Either way
 * the result says `from: 'resource'`: a DOS time has no zone, so it is a
 * local time read as if it were UTC. Its year is right (give or take a day);
 * its hour is not a UTC hour, so working-hours analysis uses header times
 * only (see `usableBuildTimes` in builds.ts).
 */

/** Borland's constant TimeDateStamp (Delphi 4–2006). */
export const DELPHI_TIMESTAMP = 0x2a425e19;
/** 1992-01-01T00:00:00Z in ms: earlier stamps are not build times (the PE format came with Windows NT 3.1, 1993; parsePe's 'timestamp-before-1992' uses the same line). */
export const EPOCH_1992_MS = Date.UTC(1992, 0, 1);
/** A DOS time is local: a build a moment ago east of UTC may read up to 14 h after `now`. */
const MAX_LOCAL_AHEAD_MS = 14 * 3600_000;
const MAX_UINT32 = 0xffffffff;

/** Why a sample's build time is not used. */
export type SetAsideReason = 'zero' | 'future' | 'before1992' | 'delphi' | 'reproducible' | 'missing';

/** Every reason, in the order reports list them. */
export const SET_ASIDE_REASONS: readonly SetAsideReason[] = ['zero', 'reproducible', 'delphi', 'future', 'before1992', 'missing'];

/** The verdict on one sample's build time. */
export type BuildTime =
  | {
    usable: true;
    /** Epoch milliseconds (a whole second). */
    time: number;
    /** `header`: the COFF TimeDateStamp (UTC); `resource`: Delphi's resource directory stamp (builder's local time). */
    from: 'header' | 'resource';
  }
  | { usable: false; reason: SetAsideReason };

type Facts = Record<string, unknown>;

function isRecord(v: unknown): v is Facts {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isUint32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_UINT32;
}

/** The header TimeDateStamp in seconds: `timestampRaw`, else the ISO `timestamp` (older facts), else null. */
function headerStamp(f: Facts): number | null {
  if (isUint32(f.timestampRaw)) return f.timestampRaw;
  if (f.timestampRaw !== undefined && f.timestampRaw !== null) return null;
  const t = f.timestamp;
  if (isUint32(t)) return t;
  if (typeof t === 'string') {
    const ms = Date.parse(t);
    if (Number.isFinite(ms) && ms % 1000 === 0 && isUint32(ms / 1000)) return ms / 1000;
  }
  return null;
}

/** The `otherTimestamps` entries (tolerating a missing or malformed list). */
function otherStamps(f: Facts): Array<{ source: string; raw: number }> {
  const list = f.otherTimestamps;
  if (!Array.isArray(list)) return [];
  const out: Array<{ source: string; raw: number }> = [];
  for (const e of list) {
    if (isRecord(e) && typeof e.source === 'string' && isUint32(e.raw)) out.push({ source: e.source, raw: e.raw });
  }
  return out;
}

function isReproducible(f: Facts): boolean {
  if (f.reproducible === true) return true;
  if (otherStamps(f).some((s) => s.source === 'debug:repro')) return true;
  return Array.isArray(f.anomalies) && f.anomalies.includes('timestamp-reproducible');
}

/** Reads a 32-bit MS-DOS date/time (date in the high word) as wall-clock ms, or null when a field is out of range. */
export function decodeDosDateTime(raw: number): number | null {
  if (!isUint32(raw)) return null;
  const date = raw >>> 16;
  const time = raw & 0xffff;
  const year = 1980 + (date >>> 9);
  const month = (date >>> 5) & 0x0f;
  const day = date & 0x1f;
  const hour = time >>> 11;
  const minute = (time >>> 5) & 0x3f;
  const second = (time & 0x1f) * 2;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 February over into March: a day past the month's end is invalid.
  if (new Date(ms).getUTCDate() !== day) return null;
  return ms;
}

/** Delphi's resource directory stamp as a build time, or null when it holds no plausible one. */
function delphiResourceTime(f: Facts, now: number): number | null {
  const res = otherStamps(f).find((s) => s.source === 'resource');
  if (!res || res.raw === 0 || res.raw === DELPHI_TIMESTAMP) return null;
  const dos = decodeDosDateTime(res.raw);
  if (dos !== null && dos >= EPOCH_1992_MS && dos <= now + MAX_LOCAL_AHEAD_MS) return dos;
  const unix = res.raw * 1000;
  if (unix >= EPOCH_1992_MS && unix <= now) return unix;
  return null;
}

/**
 * Classifies a sample's build time. `facts` is the PE facts JSON (or null);
 * `now` (epoch ms) is the limit past which a stamp is `future`.
 */
export function classifyBuildTime(facts: unknown, now: number): BuildTime {
  if (!isRecord(facts)) return { usable: false, reason: 'missing' };
  const raw = headerStamp(facts);
  if (raw === null) return { usable: false, reason: 'missing' };
  if (raw === 0) return { usable: false, reason: 'zero' };
  if (isReproducible(facts)) return { usable: false, reason: 'reproducible' };
  if (raw === DELPHI_TIMESTAMP) {
    const t = delphiResourceTime(facts, now);
    return t === null ? { usable: false, reason: 'delphi' } : { usable: true, time: t, from: 'resource' };
  }
  const ms = raw * 1000;
  if (ms > now) return { usable: false, reason: 'future' };
  if (ms < EPOCH_1992_MS) return { usable: false, reason: 'before1992' };
  return { usable: true, time: ms, from: 'header' };
}
