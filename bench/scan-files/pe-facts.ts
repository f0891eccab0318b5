/**
 * PE facts, in one run over the same files: sightline's parsePe (every fact:
 * headers, sections with entropy, imports + imphash, exports, resources,
 * version info, Rich, debug, checksum, overlay) plus md5/sha1/sha256, in
 * process, against /usr/bin/python3 pefile's full load + get_imphash().
 * Both sides read each file from disk inside the timed loop. The imphashes
 * are compared file by file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hashBytes } from '../../src/samples/index.js';
import { parsePe } from '../../src/samples/pe/index.js';

/** The interpreter with python3-pefile (the pyenv python3 on PATH has none). */
export const PEFILE_PYTHON = '/usr/bin/python3';
const PEFILE_SCRIPT = fileURLToPath(new URL('./pefile-facts.py', import.meta.url));
/** Largest stdout accepted from the pefile script. */
const MAX_PEFILE_OUTPUT_BYTES = 64 * 1024 * 1024;

/** One side's timing. */
export interface PeFactsTiming {
  files: number;
  bytes: number;
  seconds: number;
}

/** sightline's timing and its imphash per path ('' when parsePe found no PE). */
export interface OursResult extends PeFactsTiming {
  /** Of `seconds`: in hashBytes, and in parsePe (the rest is reading). */
  hashSeconds: number;
  parseSeconds: number;
  imphash: Map<string, string>;
  /** Files parsePe did not read as a PE. */
  notPe: number;
}

/** One pass of read + hashBytes + parsePe over `paths`. */
function runOursOnce(paths: readonly string[], keep: Map<string, string> | null): OursResult {
  let bytes = 0, notPe = 0, sink = 0, hashMs = 0, parseMs = 0;
  const t0 = performance.now();
  for (const p of paths) {
    const data = readFileSync(p);
    bytes += data.length;
    const t1 = performance.now();
    const h = hashBytes(data);
    const t2 = performance.now();
    const facts = parsePe(data);
    hashMs += t2 - t1;
    parseMs += performance.now() - t2;
    sink += h.sha256.length;
    if (facts === null) notPe++;
    else sink += facts.sections.length + facts.resources.length;
    keep?.set(p, facts?.imphash ?? '');
  }
  const seconds = (performance.now() - t0) / 1000;
  if (sink < 0) console.log(sink); // keeps the work observable
  return { files: paths.length, bytes, seconds, hashSeconds: hashMs / 1000, parseSeconds: parseMs / 1000, imphash: keep ?? new Map(), notPe };
}

/** Best of `runs` passes (one untimed warm-up pass over a slice first). */
export function timeOurs(paths: readonly string[], runs: number): OursResult {
  runOursOnce(paths.slice(0, 100), null);
  const imphash = new Map<string, string>();
  let best = runOursOnce(paths, imphash);
  for (let r = 1; r < runs; r++) {
    const res = runOursOnce(paths, null);
    if (res.seconds < best.seconds) best = res;
  }
  return { ...best, imphash };
}

/** pefile over `paths` once; null and a reason when it cannot run. */
export function timePefile(paths: readonly string[]): { timing: PeFactsTiming; imphash: Map<string, string> } | { error: string } {
  const tmp = mkdtempSync(join(tmpdir(), 'scan-files-pefile-'));
  try {
    const list = join(tmp, 'files.txt');
    writeFileSync(list, paths.join('\n') + '\n');
    const r = spawnSync(PEFILE_PYTHON, [PEFILE_SCRIPT, list], { encoding: 'utf8', maxBuffer: MAX_PEFILE_OUTPUT_BYTES });
    if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'python3 failed').trim().split('\n').pop() ?? 'python3 failed' };
    const lines = r.stdout.split('\n');
    const [secs, count] = (lines[0] ?? '').split(' ').map(Number);
    const imphash = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const tab = line.lastIndexOf('\t');
      if (tab > 0) imphash.set(line.slice(0, tab), line.slice(tab + 1));
    }
    let bytes = 0;
    for (const p of paths) bytes += readFileSync(p).length;
    return { timing: { files: count ?? 0, bytes, seconds: secs ?? 0 }, imphash };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Paths whose imphash differs between the two maps (paths present in both). */
export function compareImphashes(ours: ReadonlyMap<string, string>, theirs: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [p, h] of theirs) {
    const mine = ours.get(p);
    if (mine !== undefined && mine !== h) out.push(`${p}: sightline ${mine || '(none)'} vs pefile ${h || '(none)'}`);
  }
  return out;
}
