/**
 * Simulated build times for testing and calibrating fitAuthorship: an office
 * week at a known UTC offset with some builds at random hours, or builds at
 * uniformly random times. Seeded: the same PRNG state gives the same times.
 */

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** Monday 2005-01-03 00:00 (as a wall-clock time read as UTC). */
const FIRST_MONDAY = Date.UTC(2005, 0, 3);
/** Whole weeks from the first Monday of 2005 to the end of 2013. */
const WEEKS = Math.floor((Date.UTC(2014, 0, 1) - FIRST_MONDAY) / (7 * DAY_MS));
const SPAN_START = Date.UTC(2005, 0, 1);
const SPAN_END = Date.UTC(2014, 0, 1);

/** Relative weight of each working hour 09:00–17:00 (09:00–18:00 local): the lunch hour (12:00) at 0.3. */
const OFFICE_HOURS: readonly number[] = [1, 1, 1, 0.3, 1, 1, 1, 1, 1];
const OFFICE_START_HOUR = 9;
const OFFICE_TOTAL = OFFICE_HOURS.reduce((a, b) => a + b, 0);

/** How to simulate one campaign's builds. */
export interface WorkingWeekSpec {
  /** True UTC offset of the builders, hours east (8, 5.5, −5). */
  utcOffset: number;
  /** Number of builds. */
  count: number;
  /** Share of builds at uniformly random times instead of office hours (e.g. 0.25). */
  noise: number;
}

/** A uniformly random time between 2005-01-01 and 2014-01-01 (epoch ms). */
function uniformTime(rand: () => number): number {
  return SPAN_START + Math.floor(rand() * (SPAN_END - SPAN_START));
}

/**
 * Builds from an office week at `utcOffset`: each one, with probability
 * `noise`, at a uniformly random time; otherwise in a random week between
 * 2005 and 2013, on a random weekday (Monday to Friday), between 09:00 and
 * 18:00 local with fewer builds in the lunch hour (12:00–13:00), at a random
 * second. Returned as UTC epoch ms.
 */
export function simulateWorkingWeek(spec: WorkingWeekSpec, rand: () => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < spec.count; i++) {
    if (rand() < spec.noise) {
      out.push(uniformTime(rand));
      continue;
    }
    const week = Math.floor(rand() * WEEKS);
    const weekday = Math.floor(rand() * 5);
    let pick = rand() * OFFICE_TOTAL;
    let hour = 0;
    while (hour < OFFICE_HOURS.length - 1 && pick >= OFFICE_HOURS[hour]!) pick -= OFFICE_HOURS[hour++]!;
    const local = FIRST_MONDAY + week * 7 * DAY_MS + weekday * DAY_MS + (OFFICE_START_HOUR + hour) * HOUR_MS
      + Math.floor(rand() * 3600) * 1000;
    out.push(local - spec.utcOffset * HOUR_MS);
  }
  return out;
}

/** `count` builds at uniformly random times between 2005 and 2013 (no working week at all). */
export function simulateUniform(count: number, rand: () => number): number[] {
  return Array.from({ length: count }, () => uniformTime(rand));
}
