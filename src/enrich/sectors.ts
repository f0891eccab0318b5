/**
 * Sectors from organisation names: ordered rules, each a regular
 * expression over the name and the sector it gives; the first rule that
 * matches wins, else `unknown` (docs/design.md, "Enrichment").
 *
 * The shipped rules are `data/sectors.json`; a user's file of the same
 * shape adds rules that are tried first. Names are matched with their
 * accents removed (NFKD, combining marks dropped: `Ministère` is read as
 * `Ministere`), so the rules are written in ASCII, case-insensitively.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The sectors the shipped rules give, and `unknown`. A user's rules may name others. */
export const SECTORS = [
  'government', 'diplomatic', 'military', 'education', 'research', 'energy', 'telecom',
  'finance', 'health', 'media', 'ngo', 'it', 'industry',
] as const;
export type Sector = (typeof SECTORS)[number] | 'unknown';

/** Most rules read from one file. */
export const MAX_SECTOR_RULES = 10_000;
/** Longest pattern accepted, in characters. */
export const MAX_PATTERN_CHARS = 4096;
/** Longest organisation name matched (longer names are cut). */
const MAX_NAME_CHARS = 512;
/** Organisation → sector answers remembered per rule set. */
const MAX_MEMO = 100_000;

const SECTOR_RE = /^[a-z][a-z0-9_-]{0,39}$/;
const RULE_KEYS = new Set(['sector', 'pattern', 'note']);

/** One rule: names matching `pattern` are in `sector`. */
export interface SectorRule {
  sector: string;
  /** The pattern as written. */
  pattern: string;
  /** Compiled case-insensitive (flag `i`; not `u`, which makes V8's case-insensitive matching some 30 times slower). */
  re: RegExp;
  /** Why the rule is there, as written. */
  note: string | null;
  /** Where the rule was read: `path: rules[i]`. */
  from: string;
}

/** An ordered rule set; the first rule that matches a name gives its sector. */
export class SectorRules {
  private readonly memo = new Map<string, string>();

  constructor(readonly rules: readonly SectorRule[]) {}

  /** The sector of an organisation name (see sectorOf). */
  sectorOf(organisation: string): string {
    const hit = this.memo.get(organisation);
    if (hit !== undefined) return hit;
    const name = foldName(organisation);
    let sector = 'unknown';
    for (const r of this.rules) {
      if (r.re.test(name)) { sector = r.sector; break; }
    }
    if (this.memo.size >= MAX_MEMO) this.memo.clear();
    this.memo.set(organisation, sector);
    return sector;
  }
}

/** The sector of an organisation name under `rules`: the first matching rule's, else `unknown`. */
export function sectorOf(organisation: string, rules: SectorRules): string {
  return rules.sectorOf(organisation);
}

/** A name as the rules see it: accents removed, cut to MAX_NAME_CHARS. */
function foldName(s: string): string {
  const t = s.length > MAX_NAME_CHARS ? s.slice(0, MAX_NAME_CHARS) : s;
  return /[^\x00-\x7f]/.test(t) ? t.normalize('NFKD').replace(/\p{M}/gu, '') : t;
}

/** The shipped rules' file (`data/sectors.json`; src/enrich/ and dist/enrich/ both sit two levels below the package root). */
export function defaultSectorsFile(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'sectors.json');
}

/**
 * The shipped rules, preceded by those of `extraFile` when given (a user's
 * rules take precedence). Throws an Error `path: where: reason` for a file
 * that cannot be read, is not JSON, or holds a bad rule.
 */
export function loadSectorRules(extraFile?: string): SectorRules {
  const shipped = readRuleFile(defaultSectorsFile());
  const extra = extraFile === undefined ? [] : readRuleFile(extraFile);
  return new SectorRules([...extra, ...shipped]);
}

function readRuleFile(path: string): SectorRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not JSON (${(e as Error).message})`);
  }
  return parseSectorRules(json, path);
}

/** Checks and compiles the parsed JSON of a rules file: `{"rules": [{"sector", "pattern", "note"?}, …]}`. */
export function parseSectorRules(json: unknown, path: string): SectorRule[] {
  const fail = (where: string, reason: string): never => { throw new Error(`${path}: ${where}: ${reason}`); };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('top level', 'expected an object with a "rules" array');
  const rules = (json as { rules?: unknown }).rules;
  if (!Array.isArray(rules)) return fail('rules', 'expected an array');
  if (rules.length > MAX_SECTOR_RULES) fail('rules', `more than ${MAX_SECTOR_RULES} rules`);
  return rules.map((r: unknown, i): SectorRule => {
    const at = `rules[${i}]`;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) return fail(at, 'expected an object with "sector" and "pattern"');
    for (const k of Object.keys(r)) if (!RULE_KEYS.has(k)) fail(at, `unknown key "${k}" (keys: sector, pattern, note)`);
    const { sector, pattern, note } = r as { sector?: unknown; pattern?: unknown; note?: unknown };
    if (typeof sector !== 'string' || !SECTOR_RE.test(sector)) {
      fail(`${at}.sector`, 'expected a lower-case name (letters, digits, "-", "_"; at most 40)');
    }
    if (typeof pattern !== 'string' || pattern.length === 0) return fail(`${at}.pattern`, 'expected a non-empty string');
    if (pattern.length > MAX_PATTERN_CHARS) fail(`${at}.pattern`, `longer than ${MAX_PATTERN_CHARS} characters`);
    if (note !== undefined && typeof note !== 'string') fail(`${at}.note`, 'expected a string');
    let re: RegExp;
    try {
      re = new RegExp(pattern, 'i');
    } catch (e) {
      return fail(`${at}.pattern`, `invalid regular expression (${(e as Error).message})`);
    }
    return { sector: sector as string, pattern, re, note: (note as string | undefined) ?? null, from: `${path}: ${at}` };
  });
}
