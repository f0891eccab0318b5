/**
 * Whose working hours are these? The UTC offset at which a campaign's build
 * times look most like an office week, with a measure of confidence, or a
 * reason for not naming one. Pure and deterministic: build times (epoch ms,
 * UTC) in, the `authorship` object of docs/design.md out (without the
 * language roll-ups, which builds.ts makes).
 *
 * Reports do this by hand: FireEye's APT28 report found 96% of the builds on
 * weekdays and 89% between 08:00 and 18:00 at UTC+4; PwC's APT10 report
 * added the lunch gap. Here the same reading is a model fit:
 *
 * - Candidates: every half hour from UTC−12:00 to UTC+14:00 (53 offsets).
 *   Zones at a quarter hour (+5:45 Nepal, +8:45, +12:45) are found at the
 *   neighbouring half hours, well inside the ±1 h the method can tell apart.
 * - Times are binned by half hour of the UTC week (336 bins, Monday 00:00
 *   first); offset k half-hours turns UTC bin j into local bin j + k.
 * - Model at each offset: a build falls in the working week with probability
 *   w, with the density WORK_PROFILE over local half-hours (Monday to Friday:
 *   09:00–18:00 at full weight but for the lunch hour 12:00–13:00 at half,
 *   the shoulder hours 08:00 and 18:00 at 0.3, overtime 19:00–22:00 at 0.1;
 *   nothing at weekends); otherwise (1 − w) uniformly anywhere in the week
 *   (builds at night, at weekends, by other hands, clocks set wrong). w is
 *   fitted per offset on a grid (0, 0.05, …, 0.95: the profile likelihood),
 *   so a campaign with more stray builds than the simulation's 25% is still
 *   fitted, w = 0 (no pattern) is allowed, and w = 1 (which would make one
 *   stray build impossible) is not.
 * - `logLikelihood` is in nats relative to uniform hours: the log-likelihood
 *   of the build times under the model minus that under uniform hours. It is
 *   ≥ 0 (w = 0 is on the grid), and 0 means no working-week pattern at all.
 * - `score`: the posterior probability of each offset (uniform prior, softmax
 *   of the log-likelihoods), so the candidates' scores sum to 1 (to rounding).
 *   Neighbouring half hours share the mass of one answer: a clear fit may
 *   score 0.5 with 0.3 on each side.
 * - `insideWindowShare`: the share of builds Monday to Friday 08:00–18:00
 *   local at that offset, FireEye's measure, for the reader.
 *
 * It declines (utcOffset null; hourOfWeek and candidates still given) when:
 * - fewer than MIN_BUILDS usable builds;
 * - the best offset's log-likelihood ratio is below MIN_PATTERN_LLR: the hours
 *   are no working week at any offset;
 * - the best offset more than 1 h away from the chosen one (the runner-up) is
 *   within MIN_MARGIN_LLR of it: a Bayes factor below e^MIN_MARGIN_LLR.
 * Offsets ±1 h apart are not reliably told apart (a shoulder hour more or
 * less), which is why the margin is taken outside ±1 h. Distances between
 * offsets are taken round the clock (mod 24 h): UTC+13 and UTC−11 name the
 * same hours and the same longitude, on either side of the date line. The
 * fit still tells them apart by the weekend (they put the same hours on
 * different weekdays), but they count as one answer for the margin, the
 * alternatives and the interval.
 *
 * `interval`: 200 bootstrap resamples of the builds (seeded PRNG, fixed
 * seed), the offset chosen in each (w held at each offset's full-data fit),
 * as distances from the chosen offset in (−12, +12] h; the 5th and 95th
 * percentiles, added back. An end beyond −12/+14 is wrapped by 24 h, so an
 * interval across the date line reads [13, −11.5] (lo > hi).
 *
 * `alternatives`: up to three rivals, by score, each more than 1 h from the
 * chosen offset and from each other (neighbouring half hours are the same
 * answer), with a score that rounds above 0.
 */
import type { AuthorshipCandidate, AuthorshipStats } from './types.js';

/** The fit: the `authorship` statistics without the language roll-ups. */
export type AuthorshipFit = Omit<AuthorshipStats, 'languages' | 'codePages' | 'pdbPaths'>;

/** Options of fitAuthorship (the defaults are the calibrated method; change them only to study it). */
export interface FitOptions {
  /** Fewest usable builds to name an offset (default MIN_BUILDS). */
  minBuilds?: number;
  /** Bootstrap resamples for the interval (default BOOTSTRAP_RESAMPLES; 0: no interval, null). */
  bootstrap?: number;
  /** Seed of the bootstrap's PRNG (default BOOTSTRAP_SEED). */
  seed?: number;
}

/** Fewest usable builds to name an offset. */
export const MIN_BUILDS = 20;
/** Least log-likelihood ratio (nats) against uniform hours for a working-week pattern (calibrated: docs/design.md). */
export const MIN_PATTERN_LLR = 6;
/** Least log-likelihood margin (nats) over the best offset more than 1 h away (calibrated: docs/design.md). */
export const MIN_MARGIN_LLR = 2;
/** Bootstrap resamples for the interval. */
export const BOOTSTRAP_RESAMPLES = 200;
/** The bootstrap's fixed seed: the same builds give the same interval. */
export const BOOTSTRAP_SEED = 0x5eed1234;
/** The westernmost candidate offset, in half hours east of UTC (UTC−12:00). */
export const MIN_OFFSET_HALF_HOURS = -24;
/** The easternmost candidate offset, in half hours east of UTC (UTC+14:00). */
export const MAX_OFFSET_HALF_HOURS = 28;
/** Offsets this close (h) to the chosen one count as the same answer. */
const SAME_ANSWER_HOURS = 1;
const MAX_ALTERNATIVES = 3;

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
const BINS_PER_DAY = 48;
const WEEK_BINS = 7 * BINS_PER_DAY;
const WEIGHTS = Array.from({ length: 20 }, (_, i) => i / 20);
const CANDIDATES = MAX_OFFSET_HALF_HOURS - MIN_OFFSET_HALF_HOURS + 1;

/**
 * Relative weight of each local hour of a working day (Monday to Friday;
 * weekends 0). 08:00 and 18:00 are shoulders, 12:00 the lunch dip.
 */
const WORK_PROFILE: readonly number[] = [
  0, 0, 0, 0, 0, 0, 0, 0, // 00–07
  0.3, 1, 1, 1, // 08 early starters, 09–11
  0.5, // 12 lunch
  1, 1, 1, 1, 1, // 13–17
  0.3, 0.1, 0.1, 0.1, // 18 late leavers, 19–21 overtime
  0, 0, // 22–23
];

/** FireEye's window: Monday to Friday, 08:00–18:00 local. */
const WINDOW_START_HOUR = 8;
const WINDOW_END_HOUR = 18;

/** Per local bin: the log-density ratio against uniform for each weight (WEIGHTS × WEEK_BINS), and the window flag. */
const { LOG_RATIO, IN_WINDOW } = (() => {
  const q = new Float64Array(WEEK_BINS);
  const win = new Uint8Array(WEEK_BINS);
  let total = 0;
  for (let b = 0; b < WEEK_BINS; b++) {
    const day = Math.floor(b / BINS_PER_DAY);
    const hour = Math.floor((b % BINS_PER_DAY) / 2);
    if (day >= 5) continue;
    q[b] = WORK_PROFILE[hour]!;
    total += q[b]!;
    win[b] = hour >= WINDOW_START_HOUR && hour < WINDOW_END_HOUR ? 1 : 0;
  }
  const table = new Float64Array(WEIGHTS.length * WEEK_BINS);
  WEIGHTS.forEach((w, wi) => {
    for (let b = 0; b < WEEK_BINS; b++) table[wi * WEEK_BINS + b] = Math.log(WEEK_BINS * w * (q[b]! / total) + (1 - w));
  });
  return { LOG_RATIO: table, IN_WINDOW: win };
})();

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;

/** Half hour of the UTC week, Monday 00:00 = 0 (1970-01-01 was a Thursday). */
function weekBin(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  return mod(day + 3, 7) * BINS_PER_DAY + Math.floor(mod(ms, DAY_MS) / (HOUR_MS / 2));
}

const offsetOf = (c: number): number => (c + MIN_OFFSET_HALF_HOURS) / 2;
const round = (x: number, places: number): number => {
  const f = 10 ** places;
  return Math.round(x * f) / f + 0; // + 0 turns -0 into 0
};

/** "UTC+8", "UTC-5", "UTC+5:30". */
export function formatOffset(hours: number): string {
  const sign = hours < 0 ? '-' : '+';
  const a = Math.abs(hours);
  const h = Math.floor(a);
  const m = Math.round((a - h) * 60);
  return `UTC${sign}${h}${m ? ':' + String(m).padStart(2, '0') : ''}`;
}

/** Maps an offset into the candidate range [−12, +14] by whole days. */
function wrapOffset(h: number): number {
  if (h < MIN_OFFSET_HALF_HOURS / 2) return h + 24;
  if (h > MAX_OFFSET_HALF_HOURS / 2) return h - 24;
  return h;
}

/** Distance between two offsets as a day-wrapped difference in (−12, +12]. */
function offsetDistance(a: number, b: number): number {
  const d = mod(a - b + 12, 24) - 12;
  return d === -12 ? 12 : d;
}

interface Profile {
  /** Per candidate: the best log-likelihood ratio, its weight index, the window share. */
  llr: Float64Array;
  weight: Int32Array;
  inside: Float64Array;
}

/** Fits every candidate to the bin histogram (bins[i] occupied with counts[i] builds). */
function fitCandidates(bins: Int32Array, counts: Int32Array, n: number): Profile {
  const llr = new Float64Array(CANDIDATES);
  const weight = new Int32Array(CANDIDATES);
  const inside = new Float64Array(CANDIDATES);
  for (let c = 0; c < CANDIDATES; c++) {
    const shift = c + MIN_OFFSET_HALF_HOURS;
    let best = -Infinity;
    let bestW = 0;
    for (let wi = 0; wi < WEIGHTS.length; wi++) {
      const base = wi * WEEK_BINS;
      let s = 0;
      for (let i = 0; i < bins.length; i++) s += counts[i]! * LOG_RATIO[base + mod(bins[i]! + shift, WEEK_BINS)]!;
      if (s > best) {
        best = s;
        bestW = wi;
      }
    }
    let win = 0;
    for (let i = 0; i < bins.length; i++) win += counts[i]! * IN_WINDOW[mod(bins[i]! + shift, WEEK_BINS)]!;
    llr[c] = best;
    weight[c] = bestW;
    inside[c] = n > 0 ? win / n : 0;
  }
  return { llr, weight, inside };
}

/** Index of the largest value (the first on ties), optionally only where `allowed`. */
function argmax(values: Float64Array, allowed?: (c: number) => boolean): number {
  let best = -1;
  for (let c = 0; c < values.length; c++) {
    if (allowed && !allowed(c)) continue;
    if (best < 0 || values[c]! > values[best]!) best = c;
  }
  return best;
}

/** The chosen offset's 5th–95th percentile over bootstrap resamples of the builds (null without resamples). */
function bootstrapInterval(buildBins: Int32Array, profile: Profile, chosen: number, resamples: number, seed: number): [number, number] | null {
  const n = buildBins.length;
  if (resamples <= 0 || n === 0) return null;
  // Compact the occupied bins; per occupied bin and candidate, the log ratio at that candidate's fitted weight.
  const slot = new Int32Array(WEEK_BINS).fill(-1);
  const occupied: number[] = [];
  for (const b of buildBins) if (slot[b]! < 0) slot[b] = occupied.push(b) - 1;
  const table = new Float64Array(occupied.length * CANDIDATES);
  occupied.forEach((b, i) => {
    for (let c = 0; c < CANDIDATES; c++) {
      table[i * CANDIDATES + c] = LOG_RATIO[profile.weight[c]! * WEEK_BINS + mod(b + c + MIN_OFFSET_HALF_HOURS, WEEK_BINS)]!;
    }
  });
  const rand = seededRandom(seed);
  const counts = new Int32Array(occupied.length);
  const acc = new Float64Array(CANDIDATES);
  const dist: number[] = [];
  const chosenHours = offsetOf(chosen);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[slot[buildBins[Math.floor(rand() * n)]!]!]! += 1;
    acc.fill(0);
    for (let i = 0; i < occupied.length; i++) {
      const k = counts[i]!;
      if (k === 0) continue;
      const row = i * CANDIDATES;
      for (let c = 0; c < CANDIDATES; c++) acc[c]! += k * table[row + c]!;
    }
    dist.push(offsetDistance(offsetOf(argmax(acc)), chosenHours));
  }
  dist.sort((a, b) => a - b);
  const at = (p: number): number => dist[Math.max(0, Math.ceil(p * dist.length) - 1)]!;
  return [wrapOffset(chosenHours + at(0.05)), wrapOffset(chosenHours + at(0.95))];
}

/**
 * Fits the working-week model to usable build times (epoch ms, UTC; feed it
 * header times only: see usableBuildTimes). Non-finite times are ignored; the
 * order of the times does not matter.
 */
export function fitAuthorship(times: readonly number[], opts: FitOptions = {}): AuthorshipFit {
  const minBuilds = opts.minBuilds ?? MIN_BUILDS;
  const valid = times.filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
  const n = valid.length;

  const hourOfWeek = new Array<number>(168).fill(0);
  const buildBins = new Int32Array(n);
  const histogram = new Int32Array(WEEK_BINS);
  valid.forEach((t, i) => {
    const b = weekBin(t);
    buildBins[i] = b;
    histogram[b]! += 1;
    hourOfWeek[b >> 1]! += 1;
  });
  const occupied = [...histogram.keys()].filter((b) => histogram[b]! > 0);
  const profile = fitCandidates(Int32Array.from(occupied), Int32Array.from(occupied, (b) => histogram[b]!), n);

  const best = argmax(profile.llr);
  const bestLlr = profile.llr[best]!;
  const posterior = new Float64Array(CANDIDATES);
  let z = 0;
  for (let c = 0; c < CANDIDATES; c++) z += posterior[c] = Math.exp(profile.llr[c]! - bestLlr);
  for (let c = 0; c < CANDIDATES; c++) posterior[c]! /= z;

  const candidates: AuthorshipCandidate[] = [];
  for (let c = 0; c < CANDIDATES; c++) {
    candidates.push({
      utcOffset: offsetOf(c), insideWindowShare: round(profile.inside[c]!, 2),
      logLikelihood: round(profile.llr[c]!, 3), score: round(posterior[c]!, 4),
    });
  }

  const bestHours = offsetOf(best);
  const farFrom = (h: number) => (c: number): boolean => Math.abs(offsetDistance(offsetOf(c), h)) > SAME_ANSWER_HOURS;
  const rival = argmax(profile.llr, farFrom(bestHours));
  const margin = bestLlr - profile.llr[rival]!;

  let declined: string | null = null;
  if (n < minBuilds) declined = `fewer than ${minBuilds} usable builds (${n})`;
  else if (bestLlr < MIN_PATTERN_LLR) {
    declined = `no working-week pattern (log-likelihood ratio ${round(bestLlr, 2)} against uniform hours, needs >= ${MIN_PATTERN_LLR})`;
  } else if (margin < MIN_MARGIN_LLR) {
    const [sb, sr] = [round(posterior[best]!, 4), round(posterior[rival]!, 4)];
    declined = `runner-up ${formatOffset(offsetOf(rival))} too close to ${formatOffset(bestHours)} `
      + `(score margin ${round(sb - sr, 4)} = ${sb} - ${sr}; log-likelihood margin ${round(margin, 2)}, needs >= ${MIN_MARGIN_LLR})`;
  }

  const common = { hourOfWeek, candidates };
  if (declined !== null) {
    return { utcOffset: null, declined, insideWindowShare: null, score: null, interval: null, alternatives: [], ...common };
  }

  const alternatives: AuthorshipFit['alternatives'] = [];
  const order = [...candidates.keys()].sort((a, b) => posterior[b]! - posterior[a]! || a - b);
  const taken = [bestHours];
  for (const c of order) {
    if (alternatives.length >= MAX_ALTERNATIVES || candidates[c]!.score <= 0) break;
    if (!taken.every((h) => farFrom(h)(c))) continue;
    taken.push(offsetOf(c));
    alternatives.push({ utcOffset: offsetOf(c), score: candidates[c]!.score });
  }

  return {
    utcOffset: bestHours, declined: null, insideWindowShare: candidates[best]!.insideWindowShare,
    score: candidates[best]!.score,
    interval: bootstrapInterval(buildBins, profile, best, opts.bootstrap ?? BOOTSTRAP_RESAMPLES, opts.seed ?? BOOTSTRAP_SEED),
    alternatives, ...common,
  };
}
