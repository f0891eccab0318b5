/**
 * Benchmark: parsePe (all facts: headers, sections with entropy, imports and
 * imphash, exports, resources, version info, Rich, debug, checksum, overlay)
 * against pefile doing comparable work (full load + get_imphash + section
 * entropy + resources + Rich header) over the same PE corpus, in one run.
 *
 *   node --import tsx bench/pe/run.ts [corpus root]   (default $SIGHTLINE_PE_CORPUS or /work/pe-corpus/root)
 */
import { readFileSync, readdirSync, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { parsePe } from '../../src/samples/pe/index.js';

/** Repeat the corpus until at least this many files… */
const MIN_FILES = 200;
/** …or this many bytes have been parsed. */
const MIN_BYTES = 100 * 1024 * 1024;
/** Largest file considered. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

const PEFILE_SCRIPT = `
import sys, time, pefile
paths = [l.rstrip('\\n') for l in open(sys.argv[1])]
reps = int(sys.argv[2])
t0 = time.perf_counter()
n = 0
for _ in range(reps):
    for p in paths:
        pe = pefile.PE(p)          # full load: all directories incl. resources
        pe.get_imphash()
        for s in pe.sections: s.get_entropy()
        pe.parse_rich_header()
        pe.generate_checksum()
        n += 1
print(n, time.perf_counter() - t0)
`;

function listPeFiles(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) listPeFiles(p, out);
    else if (st.isFile() && st.size >= 0x40 && st.size <= MAX_FILE_BYTES) {
      const b = readFileSync(p);
      if (parsePe(b) !== null) out.push(p);
    }
  }
}

function main(): void {
  const root = process.argv[2] ?? process.env['SIGHTLINE_PE_CORPUS'] ?? '/work/pe-corpus/root';
  const files: string[] = [];
  listPeFiles(root, files);
  if (files.length === 0) {
    console.error(`no PE files under ${root}`);
    process.exit(1);
  }
  const buffers = files.map((f) => readFileSync(f));
  const corpusBytes = buffers.reduce((n, b) => n + b.length, 0);
  const reps = Math.max(Math.ceil(MIN_FILES / files.length), Math.ceil(MIN_BYTES / corpusBytes));
  // Warm up the JIT on one pass, then time `reps` passes.
  for (const b of buffers) parsePe(b);
  const t0 = process.hrtime.bigint();
  let n = 0;
  let sink = 0;
  for (let r = 0; r < reps; r++) {
    for (const b of buffers) {
      const f = parsePe(b);
      sink += f === null ? 0 : f.sections.length + f.imphash.length + f.resources.length;
      n++;
    }
  }
  const ours = Number(process.hrtime.bigint() - t0) / 1e9;
  const oursRate = n / ours;
  console.log(`corpus: ${files.length} PE files, ${(corpusBytes / 1e6).toFixed(1)} MB; ${reps} passes (${n} files, ${((corpusBytes * reps) / 1e6).toFixed(0)} MB)`);
  console.log(`parsePe: ${oursRate.toFixed(0)} files/s (${((corpusBytes * reps) / 1e6 / ours).toFixed(0)} MB/s) [checksum ${sink}]`);

  // pefile is ~100× slower: one pass over the corpus (≥ MIN_FILES files) is enough to measure it.
  const tmp = mkdtempSync(join(tmpdir(), 'pe-bench-'));
  try {
    const list = join(tmp, 'files.txt');
    writeFileSync(list, files.join('\n') + '\n');
    const pyReps = Math.max(1, Math.ceil(MIN_FILES / files.length));
    const r = spawnSync('/usr/bin/python3', ['-c', PEFILE_SCRIPT, list, String(pyReps)], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`pefile: not measured (${(r.stderr || r.error?.message || 'python3 failed').trim().split('\n').pop()})`);
      return;
    }
    const [count, secs] = r.stdout.trim().split(/\s+/).map(Number);
    const pyRate = (count ?? 0) / (secs ?? 1);
    console.log(`pefile: ${pyRate.toFixed(1)} files/s (${count} files in ${secs?.toFixed(1)} s)`);
    console.log(`ratio: parsePe is ${(oursRate / pyRate).toFixed(0)}× pefile (goal ≥ 100×)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
