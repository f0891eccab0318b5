/**
 * Bench (issue 5): scanning files — `sightline hunt` against `yara -p 2 -r`
 * with the same rules over the same generated corpus, and sightline's PE
 * facts against pefile's full parse + imphash, all in one run.
 *
 *   npm run build && node --import tsx bench/scan-files/run.ts [--files 2000] [--runs 3] [--pe-bytes N]
 *
 * Many small files (the issue's case): --files 10000 --pe-bytes 37000.
 *
 * Goals: hunt at least yara's own files/s while also hashing and parsing
 * PEs; PE facts at least 100× pefile. The corpus goes to
 * bench/out/scan-files/corpus/ (reused while the settings are the same).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadavg } from 'node:os';
import { spawnSync } from 'node:child_process';
import { repoRoot, sharedData } from '../../src/core/test-data.js';
import { countByRule, diffMatches, parseHuntOutput, parseYaraOutput, type MatchKey, type SightlineMatches } from './compare-matches.js';
import { ensureCorpus, WINE_DLL_DIR, type CorpusManifest } from './corpus.js';
import { compareImphashes, timeOurs, timePefile, PEFILE_PYTHON } from './pe-facts.js';
import { PLANTED_STRINGS } from './planted-strings.js';
import { selectRuleSet, yaraRuleArgs } from './rule-set.js';
import { timeYaraStage } from './scan-stages.js';

/** yara's scanning threads, as the issue asks. */
const YARA_THREADS = 2;
/** Largest stdout kept from a tool (sightings or yara lines). */
const MAX_TOOL_OUTPUT_BYTES = 256 * 1024 * 1024;
/** Differences printed in full before "… and N more". */
const MAX_DIFFS_SHOWN = 20;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} takes a whole number ≥ 1`);
  return v;
}

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
const rate = (n: number, s: number): string => (n / s).toFixed(n / s >= 100 ? 0 : 1);

interface ToolRun { seconds: number; stdout: string; status: number | null; stderr: string }

/** Runs a command, timing it from spawn to exit. */
function timeCommand(cmd: string, args: string[], cwd: string): ToolRun {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: MAX_TOOL_OUTPUT_BYTES, stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = (performance.now() - t0) / 1000;
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  return { seconds, stdout: r.stdout, status: r.status, stderr: r.stderr };
}

/** Every top-level corpus file (absolute paths). */
function listCorpus(dir: string, m: CorpusManifest): string[] {
  const rels = [...m.pePaths];
  for (const sub of ['zip', 'other']) rels.push(...listDir(join(dir, sub)).map((n) => join(sub, n)));
  return rels.map((r) => join(dir, r));
}

function listDir(d: string): string[] {
  return existsSync(d) ? readdirSync(d) : [];
}

function printDiff(label: string, keys: MatchKey[], root: string): void {
  if (keys.length === 0) return;
  console.log(`  ${label}: ${keys.length}`);
  for (const k of keys.slice(0, MAX_DIFFS_SHOWN)) console.log(`    ${relative(root, k)}`);
  if (keys.length > MAX_DIFFS_SHOWN) console.log(`    … and ${keys.length - MAX_DIFFS_SHOWN} more`);
}

function main(): void {
  const peCount = arg('files', 2000);
  const runs = arg('runs', 3);
  const peBytes = process.argv.includes('--pe-bytes') ? arg('pe-bytes', 37000) : undefined;
  const root = repoRoot();
  const ruleDir = sharedData('iocs', 'yara');
  if (ruleDir === null) {
    console.log('bench/scan-files: skipped — ../shared/data/iocs/yara is absent (a fresh clone has no ../shared); this benchmark needs its real YARA rules.');
    return;
  }
  const cli = join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  if (spawnSync('yara', ['--version']).status !== 0) throw new Error('`yara` is not installed (Debian package yara)');
  const out = join(root, 'bench', 'out', peBytes === undefined ? 'scan-files' : `scan-files-${peBytes}`);
  const corpusDir = join(out, 'corpus');
  mkdirSync(out, { recursive: true });
  console.log(`load average at start: ${load()} (1/5/15 min)`);
  if (!existsSync(WINE_DLL_DIR)) console.log(`wine: ${WINE_DLL_DIR} does not exist here; the corpus has generated PEs only`);
  const m = ensureCorpus(corpusDir, peCount, (s) => console.log(s), peBytes);
  const topFiles = m.files;
  console.log(`corpus: ${m.pePaths.length} PEs (${m.wineCount} from Wine), ${m.zipCount} zips of PEs, ${m.otherCount} text/data files; ` +
    `${topFiles} files, ${(m.bytes / 1e6).toFixed(0)} MB; ${m.planted.length} planted (${m.planted.filter((p) => p.inside).length} inside zips)`);

  // Rules: the files both tools compile, imported once into a case; each run hunts a fresh copy.
  const rules = selectRuleSet(ruleDir, ruleDir);
  for (const s of rules.skipped) console.log(`rules: left out ${s.path}: ${s.reason}`);
  console.log(`rules: ${rules.files.length} rule files that yara ${spawnSync('yara', ['--version'], { encoding: 'utf8' }).stdout.trim()} and sightline both compile, each in its own namespace`);
  const caseDb = join(out, 'case.db');
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(caseDb + suffix, { force: true });
  const imp = timeCommand(process.execPath, [cli, '--db', caseDb, 'intel', 'import', '--campaign', 'Bench', ...rules.files], out);
  if (imp.status !== 0) throw new Error(`intel import failed (exit ${imp.status}): ${imp.stderr.trim()}`);
  console.log(`sightline intel import: ${imp.stderr.trim().split('\n').pop()}`);

  // Read every file once so both tools start from a warm page cache.
  const allPaths = listCorpus(corpusDir, m);
  for (const p of allPaths) readFileSync(p);
  const runDb = join(out, 'run.db');
  const yaraArgs = ['-w', '-p', String(YARA_THREADS), '-r', ...yaraRuleArgs(rules.files), corpusDir];
  let bestOurs: ToolRun | null = null, bestYara: ToolRun | null = null;
  for (let r = 0; r < runs; r++) {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(runDb + suffix, { force: true });
    copyFileSync(caseDb, runDb);
    const ours = timeCommand(process.execPath, [cli, '--db', runDb, 'hunt', '--json', corpusDir], out);
    if (ours.status !== 0 && ours.status !== 2) throw new Error(`hunt failed (exit ${ours.status}): ${ours.stderr.trim()}`);
    const theirs = timeCommand('yara', yaraArgs, out);
    if (theirs.status !== 0) console.log(`yara exit ${theirs.status}: ${theirs.stderr.trim().split('\n').slice(0, 3).join(' | ')}`);
    console.log(`run ${r + 1}: sightline hunt ${ours.seconds.toFixed(2)} s, yara -p ${YARA_THREADS} -r ${theirs.seconds.toFixed(2)} s (load ${load()})`);
    if (bestOurs === null || ours.seconds < bestOurs.seconds) bestOurs = ours;
    if (bestYara === null || theirs.seconds < bestYara.seconds) bestYara = theirs;
  }
  const ours = bestOurs!, theirs = bestYara!;
  console.log(`sightline: ${ours.stderr.trim().split('\n').pop()}`);

  // Same matches? Top-level files only: yara -r does not open zips.
  const sl: SightlineMatches = parseHuntOutput(ours.stdout, out);
  const ya = parseYaraOutput(theirs.stdout, out);
  const d = diffMatches(sl.topLevel, ya);
  console.log(`matches (file, rule): sightline ${sl.topLevel.size}, yara ${ya.size}, both ${d.both}` +
    (d.onlyFirst.length + d.onlySecond.length === 0 ? ' — identical' : ' — DIFFERENT:'));
  printDiff('only sightline', d.onlyFirst, corpusDir);
  printDiff('only yara', d.onlySecond, corpusDir);
  console.log(`  by rule: ${countByRule(ya).join(', ') || 'none'}`);
  console.log(`  inside zips (sightline only; yara -r does not open archives): ${[...sl.inside].map((k) => relative(corpusDir, k).replace('\t', ' ')).join(', ') || 'none'}`);
  const expectMatch = (size: number, rule: string): boolean => size < (PLANTED_STRINGS.find((x) => x.rule === rule)?.maxFileSize ?? Infinity);
  const missed = m.planted.filter((p) => expectMatch(p.size, p.rule) !== (p.inside ? sl.inside : sl.topLevel).has(`${join(corpusDir, p.path)}${p.inside ? `!${p.inside}` : ''}\t${p.rule}`));
  console.log(`  planted files matched (or, over the rule's filesize limit, not) by their rule in sightline as expected: ${m.planted.length - missed.length}/${m.planted.length}` +
    (missed.length ? ` (unexpected: ${missed.map((p) => `${p.path}${p.inside ? `!${p.inside}` : ''} ${p.rule} ${p.size} B`).join('; ')})` : ''));
  if (sl.badLines || sl.otherSightings) console.log(`  hunt output: ${sl.badLines} unparsable line(s), ${sl.otherSightings} non-YARA sighting(s)`);

  // PE facts.
  const pePaths = m.pePaths.map((p) => join(corpusDir, p));
  const mine = timeOurs(pePaths, runs);
  console.log(`PE facts, sightline (read + md5/sha1/sha256 + parsePe, best of ${runs}): ${mine.files} files, ${(mine.bytes / 1e6).toFixed(0)} MB in ${mine.seconds.toFixed(2)} s; ` +
    `${rate(mine.files, mine.seconds)} files/s${mine.notPe ? `; ${mine.notPe} not read as PE` : ''} (load ${load()})`);
  const readS = mine.seconds - mine.hashSeconds - mine.parseSeconds;
  console.log(`  of which: read ${readS.toFixed(2)} s, hashes ${mine.hashSeconds.toFixed(2)} s (${(mine.bytes / 1e6 / mine.hashSeconds).toFixed(0)} MB/s), ` +
    `parsePe ${mine.parseSeconds.toFixed(2)} s (${rate(mine.files, mine.parseSeconds)} files/s)`);
  const yx = timeYaraStage(rules.files, allPaths);
  console.log(`  YARA-X in process, one thread, same rules: compile ${yx.compileSeconds.toFixed(2)} s, scan ${yx.files} files in ${yx.scanSeconds.toFixed(2)} s ` +
    `(${rate(yx.files, yx.scanSeconds)} files/s, ${(m.bytes / 1e6 / yx.scanSeconds).toFixed(0)} MB/s; ${yx.matches} rule matches)`);
  const py = timePefile(pePaths);
  let peRatio: number | null = null, parseRatio: number | null = null;
  let pyRate = 'not measured';
  if ('error' in py) console.log(`PE facts, pefile: not measured (${PEFILE_PYTHON}: ${py.error})`);
  else {
    peRatio = (mine.files / mine.seconds) / (py.timing.files / py.timing.seconds);
    parseRatio = (mine.files / mine.parseSeconds) / (py.timing.files / py.timing.seconds);
    pyRate = rate(py.timing.files, py.timing.seconds);
    console.log(`PE facts, pefile (PE() full load + get_imphash()): ${py.timing.files} files in ${py.timing.seconds.toFixed(2)} s; ${pyRate} files/s (load ${load()})`);
    const bad = compareImphashes(mine.imphash, py.imphash);
    console.log(`  imphash: ${py.imphash.size - bad.length}/${py.imphash.size} files agree with pefile${bad.length ? ':' : ''}`);
    for (const b of bad.slice(0, MAX_DIFFS_SHOWN)) console.log(`    ${relative(corpusDir, b)}`);
  }

  const mbOurs = m.bytes / 1e6 / ours.seconds, mbYara = m.bytes / 1e6 / theirs.seconds;
  const scanRatio = theirs.seconds / ours.seconds;
  const rows: string[][] = [
    ['measure', 'sightline', 'reference', 'ratio', 'goal'],
    ['hunt files/s', rate(topFiles, ours.seconds), `${rate(topFiles, theirs.seconds)} (yara -p ${YARA_THREADS})`, `${scanRatio.toFixed(2)}×`, `≥ 1× ${scanRatio >= 1 ? 'met' : 'NOT met'}`],
    ['hunt MB/s', mbOurs.toFixed(0), `${mbYara.toFixed(0)} (yara -p ${YARA_THREADS})`, `${scanRatio.toFixed(2)}×`, ''],
    ['PE facts+hashes files/s', rate(mine.files, mine.seconds), `${pyRate} (pefile)`, peRatio === null ? '-' : `${peRatio.toFixed(0)}×`,
      peRatio === null ? '' : `≥ 100× ${peRatio >= 100 ? 'met' : 'NOT met'}`],
    ['parsePe alone files/s', rate(mine.files, mine.parseSeconds), `${pyRate} (pefile)`, parseRatio === null ? '-' : `${parseRatio.toFixed(0)}×`, ''],
    ['matches', String(sl.topLevel.size), `${ya.size} (yara)`, d.onlyFirst.length + d.onlySecond.length === 0 ? 'same' : 'differ', 'same'],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  console.log(`\nbench/scan-files: ${topFiles} files, ${(m.bytes / 1e6).toFixed(0)} MB, best of ${runs}; load average now ${load()}`);
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
}

main();
