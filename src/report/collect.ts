/**
 * The one pass over a campaign's sightings (a million of them, streamed):
 * every sighting goes to sightings.csv; the page keeps the first few of each
 * month; STIX keeps tallies per indicator and per evidence file × indicator.
 * Memory is bounded by those caps and the number of indicators and
 * evidence files, never by the number of sightings.
 */
import type { Sighting } from '../core/model.js';
import { CsvWriter, SIGHTING_COLUMNS, sightingCsvLine } from './csv.js';

/** Sightings shown on the page, over all months. */
export const SIGHTING_ROWS = 2000;
/** Fewest sightings shown for a month, however many months there are. */
const MIN_ROWS_PER_MONTH = 5;
/** Distinct observed values one observed-data object lists; the rest are counted. */
export const MAX_VALUES_PER_OBSERVATION = 100;

/** Month of a sighting (`2013-06`), or null without a time. */
export function monthOf(s: Sighting): string | null {
  return s.ts !== null && /^\d{4}-\d{2}/.test(s.ts) ? s.ts.slice(0, 7) : null;
}

export function indicatorKey(type: string, value: string): string {
  return `${type}:${value}`;
}

export interface IndicatorTally {
  count: number;
  first: string | null;
  last: string | null;
  /** Some sighting had no source host, or one that is not a victim (a file scan, a crawler). */
  withoutVictim: boolean;
}

/** One evidence file's sightings of one indicator: an observed-data object in STIX. */
export interface ObservationTally {
  path: string;
  indicator: string;
  type: Sighting['indicator']['type'];
  count: number;
  first: string | null;
  last: string | null;
  /** What was seen: the matched values, or for a YARA rule the scanned file's location (`path` or `archive!member`). */
  values: Set<string>;
  /** Sightings whose value was not listed, once MAX_VALUES_PER_OBSERVATION values were. */
  valuesOmitted: number;
}

export interface SightingsDigest {
  /** Sightings read from the stream. */
  total: number;
  /** The rows the page shows, by month (null: no time), each in stream order. */
  shown: Map<string | null, Sighting[]>;
  /** Sightings per month (null: no time). */
  monthTotals: Map<string | null, number>;
  perIndicator: Map<string, IndicatorTally>;
  /** Keyed by evidence path, NUL, indicator key; in first-seen order. */
  perObservation: Map<string, ObservationTally>;
  perEvidence: Map<string, number>;
}

function earlier(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return b < a ? b : a;
}
function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return b > a ? b : a;
}

/** Where a scanned file sits: its path, or `archive!member` as samples record it. */
export function fileLocation(s: Sighting): string {
  return s.evidence.inside !== undefined ? `${s.evidence.path}!${s.evidence.inside}` : s.evidence.path;
}

/**
 * Reads the stream once. `monthCount` is the number of months with sightings
 * (stats.timeline.byMonth), which sets how many rows each month may show.
 */
export async function collectSightings(
  sightings: AsyncIterable<Sighting>,
  csvPath: string,
  monthCount: number,
  isVictim: (src: string) => boolean,
): Promise<SightingsDigest> {
  const perMonth = Math.max(MIN_ROWS_PER_MONTH, Math.floor(SIGHTING_ROWS / Math.max(1, monthCount + 1)));
  const csv = new CsvWriter(csvPath, SIGHTING_COLUMNS);
  const digest: SightingsDigest = { total: 0, shown: new Map(), monthTotals: new Map(), perIndicator: new Map(), perObservation: new Map(), perEvidence: new Map() };
  let shownCount = 0;
  const months = new Map<string | null, { total: number; rows: Sighting[] }>();
  // Look-ups by the sighting's own strings, nested, so no key is built per sighting.
  const byType = new Map<string, Map<string, { key: string; tally: IndicatorTally; byPath: Map<string, ObservationTally> }>>();
  try {
    for await (const s of sightings) {
      digest.total++;
      if (csv.push(sightingCsvLine(s))) await csv.flush();

      const month = monthOf(s);
      let m = months.get(month);
      if (m === undefined) {
        months.set(month, (m = { total: 0, rows: [] }));
        digest.shown.set(month, m.rows);
      }
      m.total++;
      if (m.rows.length < perMonth && shownCount < SIGHTING_ROWS) {
        m.rows.push(s);
        shownCount++;
      }

      const { type, value } = s.indicator;
      let values = byType.get(type);
      if (values === undefined) byType.set(type, (values = new Map()));
      let ind = values.get(value);
      if (ind === undefined) {
        const key = indicatorKey(type, value);
        ind = { key, tally: { count: 0, first: null, last: null, withoutVictim: false }, byPath: new Map() };
        values.set(value, ind);
        digest.perIndicator.set(key, ind.tally);
      }
      const t = ind.tally;
      t.count++;
      t.first = earlier(t.first, s.ts);
      t.last = later(t.last, s.ts);
      if (!t.withoutVictim && (s.src === null || !isVictim(s.src))) t.withoutVictim = true;

      const path = s.evidence.path;
      let o = ind.byPath.get(path);
      if (o === undefined) {
        o = { path, indicator: ind.key, type, count: 0, first: null, last: null, values: new Set(), valuesOmitted: 0 };
        ind.byPath.set(path, o);
        digest.perObservation.set(`${path}\0${ind.key}`, o);
      }
      o.count++;
      o.first = earlier(o.first, s.ts);
      o.last = later(o.last, s.ts);
      const seen = s.field === 'yara' ? fileLocation(s) : s.matched;
      if (!o.values.has(seen)) {
        if (o.values.size < MAX_VALUES_PER_OBSERVATION) o.values.add(seen);
        else o.valuesOmitted++;
      }
    }
  } finally {
    await csv.close();
  }
  for (const [month, m] of months) digest.monthTotals.set(month, m.total);
  for (const o of digest.perObservation.values()) digest.perEvidence.set(o.path, (digest.perEvidence.get(o.path) ?? 0) + o.count);
  return digest;
}
