/**
 * Turns each tool's output into a set of (file, rule) matches and compares
 * them: `yara` prints `RULE PATH` per match; `sightline hunt --json` prints a
 * sighting per line, YARA ones with indicator type 'yara' and the rule's
 * name as value. Archive members (evidence.inside) are kept apart: yara -r
 * does not open archives, so only top-level files are compared.
 */
import { resolve } from 'node:path';

/** A match key: `absolute path<TAB>rule`. */
export type MatchKey = string;

/** sightline's YARA matches, split into top-level files and archive members. */
export interface SightlineMatches {
  topLevel: Set<MatchKey>;
  /** `path!member<TAB>rule`. */
  inside: Set<MatchKey>;
  /** Sighting lines that were not YARA ones (hash, file-name…). */
  otherSightings: number;
  /** Lines that did not parse as JSON. */
  badLines: number;
}

/** The difference between two match sets. */
export interface MatchDiff {
  both: number;
  onlyFirst: MatchKey[];
  onlySecond: MatchKey[];
}

/** Builds a match key from a path (resolved against `cwd`) and a rule name. */
export function matchKey(path: string, rule: string, cwd = process.cwd()): MatchKey {
  return `${resolve(cwd, path)}\t${rule}`;
}

/** Parses `yara` output (`RULE PATH` lines; PATH may hold spaces) into match keys. */
export function parseYaraOutput(stdout: string, cwd = process.cwd()): Set<MatchKey> {
  const out = new Set<MatchKey>();
  for (const line of stdout.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    out.add(matchKey(line.slice(sp + 1), line.slice(0, sp), cwd));
  }
  return out;
}

interface SightingLine {
  indicator?: { type?: unknown; value?: unknown };
  evidence?: { path?: unknown; inside?: unknown };
}

/** Parses `sightline hunt --json` output into YARA match keys. */
export function parseHuntOutput(stdout: string, cwd = process.cwd()): SightlineMatches {
  const m: SightlineMatches = { topLevel: new Set(), inside: new Set(), otherSightings: 0, badLines: 0 };
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    let s: SightingLine;
    try {
      s = JSON.parse(line) as SightingLine;
    } catch {
      m.badLines++;
      continue;
    }
    const type = s.indicator?.type, rule = s.indicator?.value, path = s.evidence?.path, inside = s.evidence?.inside;
    if (type !== 'yara' || typeof rule !== 'string' || typeof path !== 'string') {
      m.otherSightings++;
      continue;
    }
    if (typeof inside === 'string') m.inside.add(`${resolve(cwd, path)}!${inside}\t${rule}`);
    else m.topLevel.add(matchKey(path, rule, cwd));
  }
  return m;
}

/** What is in both sets, only in the first, only in the second (each list sorted). */
export function diffMatches(first: ReadonlySet<MatchKey>, second: ReadonlySet<MatchKey>): MatchDiff {
  let both = 0;
  const onlyFirst: MatchKey[] = [];
  for (const k of first) {
    if (second.has(k)) both++;
    else onlyFirst.push(k);
  }
  const onlySecond = [...second].filter((k) => !first.has(k));
  return { both, onlyFirst: onlyFirst.sort(), onlySecond: onlySecond.sort() };
}

/** How many matches each rule has, most first (`rule ×n`). */
export function countByRule(keys: Iterable<MatchKey>): string[] {
  const counts = new Map<string, number>();
  for (const k of keys) {
    const rule = k.slice(k.lastIndexOf('\t') + 1);
    counts.set(rule, (counts.get(rule) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([r, n]) => `${r} ×${n}`);
}
