/**
 * The benchmark's rule set: every .yar/.yara under iocs/yara that both YARA
 * (yarac 4.x, each file alone) and sightline's YARA-X scanner compile. Both
 * tools get the same files, each file in its own namespace (yara's
 * `NS:FILE` form; sightline does the same), so rule names that repeat across
 * files (NetTraveler, NetPass…) do not clash.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { YaraScanner } from '../../src/samples/index.js';

/** A rule file left out, and why. */
export interface RuleFileSkipped {
  path: string;
  reason: string;
}

/** The files both tools compile, and those left out. */
export interface RuleSet {
  files: string[];
  skipped: RuleFileSkipped[];
}

/** Every .yar/.yara file under `dir`, sorted. */
export function listRuleFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && /\.(yar|yara)$/i.test(name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The first error line of a failed yarac, or null when `file` compiles. */
function checkWithYarac(file: string, scratch: string): string | null {
  const r = spawnSync('yarac', ['-w', file, join(scratch, 'check.yarc')], { encoding: 'utf8' });
  if (r.error) return `yarac: ${r.error.message}`;
  return r.status === 0 ? null : (r.stderr || r.stdout).trim().split('\n')[0] ?? `yarac exit ${r.status}`;
}

/** The first error sightline's scanner reports for `file`, or null when it compiles. */
function checkWithSightline(file: string): string | null {
  let first: string | null = null;
  YaraScanner.compile([{ name: file, source: readFileSync(file, 'utf8') }], (d) => {
    if (first === null && d.severity !== 'warning') first = d.reason;
  });
  return first;
}

/** The rule files under `dir` that both tools compile (`root` only shortens the reasons' paths). */
export function selectRuleSet(dir: string, root: string): RuleSet {
  const scratch = mkdtempSync(join(tmpdir(), 'scan-files-rules-'));
  try {
    const set: RuleSet = { files: [], skipped: [] };
    for (const file of listRuleFiles(dir)) {
      const why = checkWithYarac(file, scratch) ?? checkWithSightline(file);
      if (why === null) set.files.push(file);
      else set.skipped.push({ path: relative(root, file), reason: why });
    }
    return set;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** yara's rule arguments: each file in its own namespace (`r0:path`, `r1:path`…). */
export function yaraRuleArgs(files: readonly string[]): string[] {
  return files.map((f, i) => `r${i}:${f}`);
}
