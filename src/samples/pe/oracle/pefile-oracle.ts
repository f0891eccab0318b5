/**
 * Runs pefile-oracle.py under Debian's /usr/bin/python3 (with python3-pefile) and
 * puts its answer and parsePe's facts into one comparable shape, with a diff that
 * names each field that differs. Test support only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PeFacts } from '../types.js';
import { MAX_EXPORT_ENTRIES } from '../parse-exports.js';

/** The interpreter Debian's python3-pefile is installed for (a pyenv python3 on PATH has no pefile). */
export const DEBIAN_PYTHON = '/usr/bin/python3';
/** Most bytes of JSON read from the oracle. */
const MAX_ORACLE_OUTPUT = 256 << 20;
/** Longest one oracle run may take. */
const MAX_ORACLE_MS = 120_000;
/** Most differences listed per file. */
const MAX_DIFFS = 40;

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'pefile-oracle.py');

/** An imported function: its name, or [ordinal, the name pefile's ordlookup gives it or null]. */
export type OracleImportFunction = string | [number, string | null];

/** One file's facts in the shape both sides are compared in. */
export interface OracleFacts {
  machine: number;
  timestamp: number;
  imphash: string;
  checksum: number;
  checksumComputed: number;
  overlayOffset: number | null;
  /** [name, VirtualSize, SizeOfRawData, Characteristics, entropy rounded to 2 decimals]. */
  sections: Array<[string, number, number, number, number]>;
  imports: Array<[string, OracleImportFunction[]]>;
  exports: Array<{ ordinal: number; rva: number; name?: string; forwarder?: string }>;
  exportName: string | null;
  /** [type ('RT_STRING' or custom id/name), name, LANGID, CodePage, Size]. */
  resources: Array<[string, string, number, number, number]>;
  /** Non-zero directory timestamps: [source ('export', 'resource', 'debug:codeview'…), raw value]. */
  timestamps: Array<[string, number]>;
  pdb: string | null;
  versionInfo: { fileVersion: string | null; productVersion: string | null; strings: Record<string, string> } | null;
  /** Rich entries [productId, build, count], null without a Rich header. */
  rich: Array<[number, number, number]> | null;
}

/** pefile's raw answer for one file: resource type and name are ids (numbers) or names. */
type RawOracleFacts = Omit<OracleFacts, 'resources'> & { resources: Array<[number | string, number | string, number, number, number]> };

/** What one oracle run returned. */
export interface OracleReport {
  /** pefile's version. */
  pefile: string;
  /** Facts per path, or the error pefile raised on it. */
  files: Map<string, OracleFacts | { error: string }>;
}

/** null when /usr/bin/python3 can import pefile, else why the tests must skip. */
export function checkPefile(): string | null {
  if (!existsSync(DEBIAN_PYTHON)) return `${DEBIAN_PYTHON} is absent; apt-get install python3-pefile`;
  const r = spawnSync(DEBIAN_PYTHON, ['-c', 'import pefile'], { encoding: 'utf8' });
  return r.status === 0 ? null : `python3-pefile is absent (${DEBIAN_PYTHON} cannot import pefile); apt-get install python3-pefile`;
}

/**
 * pefile's max_symbol_exports as the oracle runs it: raised from pefile's 8192 to parsePe's
 * own ceiling, because past 8192 pefile lists names by ordinal only (it "assumes corrupt")
 * while parsePe reads a well-formed table whole. With the cap raised, pefile still reads
 * every export independently of parsePe.
 */
export const ORACLE_MAX_EXPORTS = MAX_EXPORT_ENTRIES;

/** Runs pefile over `paths` in one Python process; throws when the script itself fails. */
export function runPefileOracle(paths: string[]): OracleReport {
  const r = spawnSync(DEBIAN_PYTHON, [SCRIPT, '--max-exports', String(ORACLE_MAX_EXPORTS), ...paths], {
    encoding: 'utf8', maxBuffer: MAX_ORACLE_OUTPUT, timeout: MAX_ORACLE_MS,
  });
  if (r.status !== 0) throw new Error(`pefile-oracle.py failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}`);
  const out = JSON.parse(r.stdout) as {
    pefile: string; resourceTypes: Record<string, string>; files: Record<string, RawOracleFacts | { error: string }>;
  };
  const files = new Map<string, OracleFacts | { error: string }>();
  for (const [path, raw] of Object.entries(out.files)) {
    if ('error' in raw) { files.set(path, raw); continue; }
    const label = (v: number | string, types: boolean): string =>
      typeof v === 'string' ? v : types ? (out.resourceTypes[String(v)] ?? String(v)) : String(v);
    files.set(path, { ...raw, resources: raw.resources.map(([t, n, ...rest]) => [label(t, true), label(n, false), ...rest]) });
  }
  return { pefile: out.pefile, files };
}

/** parsePe's facts in the oracle's shape. */
export function projectPeFacts(f: PeFacts): OracleFacts {
  return {
    machine: f.machineRaw,
    timestamp: f.timestampRaw,
    imphash: f.imphash,
    checksum: f.checksum,
    checksumComputed: f.checksumComputed,
    overlayOffset: f.overlay?.offset ?? null,
    sections: f.sections.map((s) => [s.name, s.virtualSize, s.rawSize, s.characteristics, s.entropy]),
    imports: f.imports.map((i) => [i.dll, i.functions.map((fn): OracleImportFunction =>
      fn.ordinal !== undefined ? [fn.ordinal, fn.name ?? null] : fn.name ?? '')]),
    exports: f.exports.map((e) => ({ ...e })),
    exportName: f.exportName,
    resources: f.resources.map((r) => [r.type, r.name, r.lang, r.codePage, r.size]),
    timestamps: f.otherTimestamps.map((t) => [t.source, t.raw]),
    pdb: f.pdb,
    versionInfo: f.versionInfo,
    rich: f.rich === null ? null : f.rich.entries.map((e) => [e.productId, e.build, e.count]),
  };
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'absent' : s.length > 120 ? s.slice(0, 117) + '...' : s;
}

function walkDiff(ours: unknown, theirs: unknown, path: string, out: string[]): void {
  if (out.length >= MAX_DIFFS) return;
  const bothObjects = typeof ours === 'object' && ours !== null && typeof theirs === 'object' && theirs !== null;
  if (bothObjects && Array.isArray(ours) === Array.isArray(theirs)) {
    const a = ours as Record<string, unknown>;
    const b = theirs as Record<string, unknown>;
    const keys = Array.isArray(ours)
      ? Array.from({ length: Math.max((ours as unknown[]).length, (theirs as unknown[]).length) }, (_, i) => String(i))
      : [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) walkDiff(a[k], b[k], Array.isArray(ours) ? `${path}[${k}]` : `${path}.${k}`, out);
    return;
  }
  if (!Object.is(ours, theirs)) out.push(`${path}: parsePe ${show(ours)}, pefile ${show(theirs)}`);
}

/** One line per differing field ('sections[3][0]: parsePe "/4", pefile ".debug_aranges"'); empty when equal. */
export function diffOracleFacts(ours: OracleFacts, theirs: OracleFacts): string[] {
  const out: string[] = [];
  walkDiff(ours, theirs, '', out);
  if (out.length >= MAX_DIFFS) out.push(`… (first ${MAX_DIFFS} differences shown)`);
  return out.map((l) => l.replace(/^\./, ''));
}
