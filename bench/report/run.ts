/**
 * writeReport at scale: a seeded synthetic campaign of 100,000 victims and
 * 1,000,000 sightings (streamed, generated as they are read), 300
 * indicators, 200 evidence files, 2,000 samples. Goals: under 15 s,
 * index.html under 10 MB.
 *
 *   node --import tsx bench/report/run.ts [--victims N] [--sightings N] [--pdf] [--out DIR]
 *
 * The time of reading the stream alone (generating the sightings) is
 * measured too, so the report's own cost can be told from the generator's.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../../src/report/index.js';
import { mb, peakRss } from '../prng.js';
import { EVIDENCE, INDICATORS, SAMPLES, syntheticReport } from './synthetic.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const VICTIMS = arg('--victims', 100_000);
const SIGHTINGS = arg('--sightings', 1_000_000);
const PDF = process.argv.includes('--pdf');
const outIndex = process.argv.indexOf('--out');
let t = performance.now();
const { input, stream } = syntheticReport(VICTIMS, SIGHTINGS);
const generated = performance.now() - t;
t = performance.now();
let read = 0;
for await (const _ of stream()) read++;
const streamOnly = performance.now() - t;

const out = outIndex >= 0 ? process.argv[outIndex + 1]! : await mkdtemp(join(tmpdir(), 'sightline-bench-report-'));
t = performance.now();
const outcome = await writeReport({ ...input, sightings: stream() }, out, { pdf: PDF });
const total = performance.now() - t;

const sizes: string[] = [];
for (const f of (await readdir(out)).sort()) sizes.push(`${f} ${mb((await stat(join(out, f))).size)}`);
console.log(`report bench: ${VICTIMS.toLocaleString('en')} victims, ${read.toLocaleString('en')} sightings, ${INDICATORS} indicators, ${EVIDENCE} evidence files, ${SAMPLES} samples`);
console.log(`  input built (victims, stats)    ${(generated / 1000).toFixed(2)} s`);
console.log(`  reading the stream alone        ${(streamOnly / 1000).toFixed(2)} s`);
console.log(`  writeReport${PDF ? ' with PDF' : ' (no PDF)'}            ${(total / 1000).toFixed(2)} s   (goal < 15 s)`);
console.log(`  index.html                      ${mb(outcome.htmlBytes)}   (goal < 10 MB)`);
console.log(`  files: ${sizes.join(', ')}`);
console.log(`  pdf: ${outcome.pdf.written ? 'written' : outcome.pdf.reason}`);
console.log(`  peak RSS ${mb(peakRss())}`);
if (outIndex < 0) await rm(out, { recursive: true, force: true });
