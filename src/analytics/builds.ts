/**
 * A campaign's builds: how many PE samples, when they were built, which
 * variants (import hash, Rich header, PDB path), and what their resources say
 * about language. Pure: samples with their PE facts JSON in, the `builds`
 * object of docs/design.md's campaign statistics out (`BuildsStats`).
 *
 * - A sample whose facts are not an object (null: not a PE) is not a build
 *   and is not counted. The same sha256 given twice counts once (the first).
 * - Build times are judged by `classifyBuildTime` (timestamps.ts); the ones
 *   set aside are counted by reason in `setAside` and in `anomalous`.
 * - `byYear` holds every UTC year from the earliest to the latest usable
 *   build, zeros included, so a chart's axis has no holes.
 * - `lastThreeYearsShare`: the share of usable builds in the three years up to
 *   the latest one (latest − 3 × 365.25 days < t ≤ latest), 2 decimals.
 * - `variants` group builds by (imphash, rich, pdb): `rich` is the Rich
 *   header's tools as sorted unique `productId.build` joined by `,` (the
 *   counts left out: they change with the code, the toolchain does not), null
 *   without a Rich header; `imphash` null when empty; `pdb` as stored (the
 *   CodeView path of older facts without `pdb`). A sample set aside still
 *   belongs to its variant; `first`/`last` are its usable builds (null: none).
 *   Sorted by count (descending), then first build (earliest first, none
 *   last), then the key (imphash, rich, pdb; null after any value); each
 *   lists its samples (sorted) so every count can be traced.
 */
import { classifyBuildTime, SET_ASIDE_REASONS, type SetAsideReason } from './timestamps.js';
import type { BuildsStats, BuildVariant } from './types.js';

/** One sample as the store gives it: its sha256 and its PE facts JSON (null when it is not a PE). */
export interface BuildSample {
  sha256: string;
  facts: unknown;
}

/** One usable build time (see usableBuildTimes). */
export interface UsableBuildTime {
  sha256: string;
  /** Epoch ms. */
  time: number;
  from: 'header' | 'resource';
}

const YEAR_MS = 365.25 * 86400_000;
const THREE_YEARS_MS = 3 * YEAR_MS;

type Facts = Record<string, unknown>;

function isRecord(v: unknown): v is Facts {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The PE samples, first occurrence of each sha256, in the order given. */
function peSamples(samples: readonly BuildSample[]): Array<{ sha256: string; facts: Facts }> {
  const seen = new Set<string>();
  const out: Array<{ sha256: string; facts: Facts }> = [];
  for (const s of samples) {
    if (!isRecord(s.facts) || seen.has(s.sha256)) continue;
    seen.add(s.sha256);
    out.push({ sha256: s.sha256, facts: s.facts });
  }
  return out;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** The Rich header as a variant key: sorted unique `productId.build`, null without entries. */
export function richKey(facts: unknown): string | null {
  if (!isRecord(facts) || !isRecord(facts.rich) || !Array.isArray(facts.rich.entries)) return null;
  const ids = new Map<number, string>();
  for (const e of facts.rich.entries) {
    if (!isRecord(e) || typeof e.productId !== 'number' || typeof e.build !== 'number') continue;
    ids.set(e.productId * 0x10000 + e.build, `${e.productId}.${e.build}`);
  }
  if (ids.size === 0) return null;
  return [...ids.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]).join(',');
}

function imphashOf(f: Facts): string | null {
  return typeof f.imphash === 'string' && f.imphash !== '' ? f.imphash : null;
}

/** The PDB path: `pdb`, else the CodeView record's path (older facts), null when none. */
function pdbOf(f: Facts): string | null {
  if (typeof f.pdb === 'string' && f.pdb !== '') return f.pdb;
  if (isRecord(f.codeView) && typeof f.codeView.path === 'string' && f.codeView.path !== '') return f.codeView.path;
  return null;
}

/**
 * The usable build times of the PE samples, sorted by time then sha256. Feed
 * `fitAuthorship` the `from: 'header'` ones: a Delphi resource stamp is the
 * builder's local time, not UTC.
 */
export function usableBuildTimes(samples: readonly BuildSample[], now: number): UsableBuildTime[] {
  const out: UsableBuildTime[] = [];
  for (const s of peSamples(samples)) {
    const t = classifyBuildTime(s.facts, now);
    if (t.usable) out.push({ sha256: s.sha256, time: t.time, from: t.from });
  }
  return out.sort((a, b) => a.time - b.time || (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0));
}

interface VariantAcc { imphash: string | null; rich: string | null; pdb: string | null; first: number | null; last: number | null; samples: string[] }

const cmpStr = (a: string | null, b: string | null): number => {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
};

/** The `builds` statistics of docs/design.md over these samples; `now` (epoch ms) bounds plausible stamps. */
export function buildStats(samples: readonly BuildSample[], now: number): BuildsStats {
  const pe = peSamples(samples);
  const setAside = new Map<SetAsideReason, number>();
  const times: number[] = [];
  const variants = new Map<string, VariantAcc>();
  for (const s of pe) {
    const t = classifyBuildTime(s.facts, now);
    if (t.usable) times.push(t.time);
    else setAside.set(t.reason, (setAside.get(t.reason) ?? 0) + 1);
    const imphash = imphashOf(s.facts);
    const rich = richKey(s.facts);
    const pdb = pdbOf(s.facts);
    const key = JSON.stringify([imphash, rich, pdb]);
    let v = variants.get(key);
    if (!v) {
      v = { imphash, rich, pdb, first: null, last: null, samples: [] };
      variants.set(key, v);
    }
    v.samples.push(s.sha256);
    if (t.usable) {
      if (v.first === null || t.time < v.first) v.first = t.time;
      if (v.last === null || t.time > v.last) v.last = t.time;
    }
  }

  const setAsideOut: BuildsStats['setAside'] = {};
  let anomalous = 0;
  for (const r of SET_ASIDE_REASONS) {
    const n = setAside.get(r);
    if (n) {
      setAsideOut[r] = n;
      anomalous += n;
    }
  }

  let earliest: number | null = null;
  let latest: number | null = null;
  for (const t of times) {
    if (earliest === null || t < earliest) earliest = t;
    if (latest === null || t > latest) latest = t;
  }

  const byYear: BuildsStats['byYear'] = [];
  let lastThreeYearsShare: number | null = null;
  if (earliest !== null && latest !== null) {
    const first = new Date(earliest).getUTCFullYear();
    const counts = new Array<number>(new Date(latest).getUTCFullYear() - first + 1).fill(0);
    let recent = 0;
    for (const t of times) {
      counts[new Date(t).getUTCFullYear() - first]! += 1;
      if (t > latest - THREE_YEARS_MS) recent++;
    }
    counts.forEach((count, i) => byYear.push({ year: first + i, count }));
    lastThreeYearsShare = Math.round((recent / times.length) * 100) / 100;
  }

  const variantList: BuildVariant[] = [...variants.values()]
    .sort((a, b) => b.samples.length - a.samples.length
      || (a.first === b.first ? 0 : a.first === null ? 1 : b.first === null ? -1 : a.first - b.first)
      || cmpStr(a.imphash, b.imphash) || cmpStr(a.rich, b.rich) || cmpStr(a.pdb, b.pdb))
    .map((v) => ({
      imphash: v.imphash, rich: v.rich, pdb: v.pdb, count: v.samples.length,
      first: iso(v.first), last: iso(v.last), samples: [...v.samples].sort(),
    }));

  return {
    count: pe.length, anomalous, setAside: setAsideOut, earliest: iso(earliest), latest: iso(latest),
    byYear, lastThreeYearsShare, variants: variantList,
  };
}

/** Counts samples per key; sorted by count (descending), then key (ascending). */
function rollUp<K extends number | string>(perSample: Iterable<Set<K>>): Array<[K, number]> {
  const counts = new Map<K, number>();
  for (const keys of perSample) for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Each PE sample's distinct values of one numeric resource field. */
function resourceField(samples: readonly BuildSample[], field: 'lang' | 'codePage'): Array<Set<number>> {
  return peSamples(samples).map((s) => {
    const set = new Set<number>();
    if (Array.isArray(s.facts.resources)) {
      for (const r of s.facts.resources) {
        const v = isRecord(r) ? r[field] : undefined;
        if (typeof v === 'number' && Number.isInteger(v) && v >= 0) set.add(v);
      }
    }
    return set;
  });
}

/**
 * Resource LANGIDs (2052 zh-CN, 1033 en-US; 0 is LANG_NEUTRAL, also what
 * parsePe gives a named language entry) with the number of PE samples having
 * at least one resource in each: a sample counts once per language however
 * many resources it has. Sorted by count (descending), then LANGID.
 */
export function languages(samples: readonly BuildSample[]): Array<{ lang: number; count: number }> {
  return rollUp(resourceField(samples, 'lang')).map(([lang, count]) => ({ lang, count }));
}

/** Resource data code pages, counted like `languages` (samples per code page). */
export function codePages(samples: readonly BuildSample[]): Array<{ codePage: number; count: number }> {
  return rollUp(resourceField(samples, 'codePage')).map(([codePage, count]) => ({ codePage, count }));
}

/** Distinct PDB paths (as stored) with the number of PE samples naming each; sorted by count, then path. */
export function pdbPaths(samples: readonly BuildSample[]): Array<{ path: string; count: number }> {
  return rollUp(peSamples(samples).map((s) => {
    const p = pdbOf(s.facts);
    return new Set(p === null ? [] : [p]);
  })).map(([path, count]) => ({ path, count }));
}
