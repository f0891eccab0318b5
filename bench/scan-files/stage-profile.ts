/**
 * Per-file cost of each stage of scanning a file, one thread, in process:
 * where a hunt's CPU goes on many small files (docs/benchmarks.md).
 *
 *   node --import tsx bench/scan-files/stage-profile.ts DIR [--limit N]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, hash as oneShot } from 'node:crypto';
import { serialize } from 'node:v8';
import { analyzeFile, detectFileType, hashBytes, readRegularFileSync, YaraScanner } from '../../src/samples/index.js';
import { boundPeFacts, computeFactsCap, parsePe } from '../../src/samples/pe/index.js';
import { readFileHeadSync } from '../../src/hunt/file-head.js';
import { selectRuleSet } from './rule-set.js';
import { sharedData } from '../../src/core/test-data.js';

function walk(dir: string, out: string[]): void {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) walk(p, out); else out.push(p);
  }
}

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: stage-profile.ts DIR [--limit N] (e.g. bench/out/scan-files-37000/corpus)');
const li = process.argv.indexOf('--limit');
const paths: string[] = [];
walk(dir, paths);
paths.sort();
const files = li >= 0 ? paths.slice(0, Number(process.argv[li + 1])) : paths;
const datas = files.map((p) => readFileSync(p));
const ruleDir = sharedData('iocs', 'yara');
if (ruleDir === null) throw new Error('../shared/data/iocs/yara is absent: this profile needs the bench\'s YARA rules');
const rules = selectRuleSet(ruleDir, ruleDir);
const sources = rules.files.map((f) => ({ name: f, source: readFileSync(f, 'utf8') }));
const yara = YaraScanner.compile(sources, () => undefined);
// The same rules less the files that import YARA's pe module: what that module's parse of every PE costs.
const noPe = YaraScanner.compile(sources.filter((s) => !/^\s*import\s+"pe"/m.test(s.source)), () => undefined);

let sink = 0;
function stage(name: string, fn: (p: string, d: Buffer) => number): void {
  for (let i = 0; i < Math.min(200, files.length); i++) sink += fn(files[i]!, datas[i]!);
  const t0 = performance.now();
  for (let i = 0; i < files.length; i++) sink += fn(files[i]!, datas[i]!);
  const us = (performance.now() - t0) * 1000 / files.length;
  console.log(`${name.padEnd(34)} ${us.toFixed(1).padStart(7)} µs/file`);
}
console.log(`${files.length} files`);
stage('stat', (p) => statSync(p).size);
stage('readFileSync', (p) => readFileSync(p).length);
stage('readRegularFileSync', (p) => readRegularFileSync(p, { onDiagnostic: () => undefined })!.size);
stage('readFileHeadSync 4K (planning)', (p) => readFileHeadSync(p, 4096).length);
stage('readFileHeadSync 64K', (p) => readFileHeadSync(p, 65536).length);
stage('hashBytes', (_, d) => hashBytes(d).md5.length);
stage('createHash x3', (_, d) => ['md5', 'sha1', 'sha256'].reduce((n, a) => n + createHash(a).update(d).digest('hex').length, 0));
stage('crypto.hash x3', (_, d) => oneShot('md5', d).length + oneShot('sha1', d).length + oneShot('sha256', d).length);
stage('md5 only', (_, d) => createHash('md5').update(d).digest('hex').length);
stage('sha1 only', (_, d) => createHash('sha1').update(d).digest('hex').length);
stage('sha256 only', (_, d) => createHash('sha256').update(d).digest('hex').length);
stage('detectFileType', (_, d) => detectFileType(d).length);
stage('parsePe', (_, d) => (detectFileType(d) === 'pe' ? parsePe(d)?.sections.length ?? 0 : 0));
stage('parsePe+boundPeFacts', (_, d) => {
  const pe = detectFileType(d) === 'pe' ? parsePe(d) : null;
  return pe ? boundPeFacts(pe, computeFactsCap(d.length)).bytes : 0;
});
stage('analyzeFile', (_, d) => analyzeFile(d).size);
stage('YARA-X scan (the bench rules)', (p, d) => yara.scan(d, p).length);
stage('YARA-X scan (no rule imports pe)', (p, d) => noPe.scan(d, p).length);
stage('structured-clone size of a sample', (_, d) => { const f = analyzeFile(d); return serialize({ ...f, pe: null }).length; });
if (sink < 0) console.log(sink); // keeps the work observable
