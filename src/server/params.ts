/**
 * Query parameters, validated: every route names the parameters it takes,
 * and anything else — an unknown name, a name given twice, a value out of
 * range or of the wrong shape — is a 400 that says which and why, never a
 * 500 and never silently ignored.
 */
import { ApiError } from './errors.js';
import type { SightingTimeKey } from '../index.js';

/** Longest text value a query parameter may carry (an indicator may be a long URL). */
export const MAX_PARAM_CHARS = 4096;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:\d{2})?$/;
const DAY_MS = 86_400_000;

/** Epoch ms of a calendar date, or null when it is no date (2013-02-30). */
function dateMs(y: string, m: string, d: string): number | null {
  const t = Date.UTC(Number(y), Number(m) - 1, Number(d));
  const back = new Date(t);
  return back.getUTCFullYear() === Number(y) && back.getUTCMonth() === Number(m) - 1 && back.getUTCDate() === Number(d) ? t : null;
}

/**
 * An ISO 8601 date or time (a time without a zone is UTC), as epoch ms. A
 * date alone is its first millisecond, or with `endOfDay` its last: `until`
 * of a day covers the whole day.
 */
export function parseIsoTime(v: string, endOfDay = false): number | null {
  const d = DATE_RE.exec(v);
  if (d) {
    const t = dateMs(d[1]!, d[2]!, d[3]!);
    return t === null ? null : endOfDay ? t + DAY_MS - 1 : t;
  }
  const m = TIME_RE.exec(v);
  if (!m) return null;
  const day = dateMs(m[1]!, m[2]!, m[3]!);
  const [h, min, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (day === null || h > 23 || min > 59 || s > 59) return null;
  let t = day + ((h * 60 + min) * 60 + s) * 1000 + Number((m[7] ?? '0').padEnd(3, '0'));
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const [zh, zm] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
    if (zh > 14 || zm > 59) return null;
    t -= (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm) * 60_000;
  }
  return t;
}

/** The query string of one request, checked against the names a route takes. */
export class Query {
  private readonly values = new Map<string, string>();

  constructor(url: string, allowed: readonly string[]) {
    const params = new URL(url).searchParams;
    for (const [name, value] of params) {
      if (!allowed.includes(name)) {
        throw new ApiError('bad-request', allowed.length === 0
          ? `unknown query parameter ${JSON.stringify(name)}: this route takes none`
          : `unknown query parameter ${JSON.stringify(name)}; this route takes: ${allowed.join(', ')}`);
      }
      if (this.values.has(name)) throw new ApiError('bad-request', `query parameter ${name} is given more than once`);
      if (value.length > MAX_PARAM_CHARS) throw new ApiError('bad-request', `query parameter ${name} is longer than ${MAX_PARAM_CHARS} characters`);
      this.values.set(name, value);
    }
  }

  /** A text value (not empty), or undefined when absent. */
  string(name: string): string | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (v.trim() === '') throw new ApiError('bad-request', `query parameter ${name} is empty`);
    if (/[\x00-\x1f\x7f]/.test(v)) throw new ApiError('bad-request', `query parameter ${name} holds control characters`);
    return v;
  }

  /** A whole number in [min, max], or `fallback` when absent. */
  int(name: string, min: number, max: number, fallback?: number): number | undefined {
    const v = this.values.get(name);
    if (v === undefined) return fallback;
    if (!/^\d{1,16}$/.test(v) || Number(v) < min || Number(v) > max) {
      throw new ApiError('bad-request', `query parameter ${name} takes a whole number from ${min} to ${max}, not ${JSON.stringify(v.slice(0, 40))}`);
    }
    return Number(v);
  }

  /** One of `choices`, or undefined when absent. */
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (!(choices as readonly string[]).includes(v)) {
      throw new ApiError('bad-request', `query parameter ${name} takes one of ${choices.join(', ')}, not ${JSON.stringify(v.slice(0, 40))}`);
    }
    return v as T;
  }

  bool(name: string): boolean | undefined {
    const v = this.choice(name, ['true', 'false']);
    return v === undefined ? undefined : v === 'true';
  }

  /** An ISO 8601 date or time as epoch ms (see parseIsoTime), or undefined when absent. */
  time(name: string, endOfDay = false): number | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    const t = parseIsoTime(v, endOfDay);
    if (t === null) {
      throw new ApiError('bad-request', `query parameter ${name} takes an ISO 8601 date or time (2013-06-01, 2013-06-01T08:00:00Z), not ${JSON.stringify(v.slice(0, 40))}`);
    }
    return t;
  }

  /** A cursor: the last id of the page before, or undefined when absent. */
  cursor(): number | undefined {
    return this.int('cursor', 0, Number.MAX_SAFE_INTEGER);
  }

  /**
   * A time-ordered page's cursor (`timeCursor` of the page before's last
   * row): `T<ms>.<indicator id>.<id>`, or `N.<indicator id>.<id>` among the
   * sightings without a time; undefined when absent.
   */
  timeCursor(): SightingTimeKey | undefined {
    const v = this.values.get('cursor');
    if (v === undefined) return undefined;
    const m = /^(?:T(-?\d{1,16})|N)\.(\d{1,16})\.(\d{1,16})$/.exec(v);
    if (m === null) throw new ApiError('bad-request', `query parameter cursor takes the \`next\` of a time-ordered page, not ${JSON.stringify(v.slice(0, 40))}`);
    return { ts: m[1] === undefined ? null : Number(m[1]), indicatorId: Number(m[2]), id: Number(m[3]) };
  }
}

/** The cursor that resumes a time-ordered listing after `k` (Query.timeCursor reads it). */
export function timeCursor(k: SightingTimeKey): string {
  return `${k.ts === null ? 'N' : `T${k.ts}`}.${k.indicatorId}.${k.id}`;
}
