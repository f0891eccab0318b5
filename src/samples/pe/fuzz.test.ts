import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parsePe } from './index.js';
import { writePe } from './testing/pe-writer.js';
import { buildFullSpec } from './testing/fixtures.js';

const CORPUS = process.env['SIGHTLINE_PE_CORPUS'] ?? '/work/pe-corpus/root';
const CORPUS_SEEDS = [
  'usr/lib/python3/dist-packages/distlib/t32.exe',
  'usr/lib/python3/dist-packages/distlib/w64-arm.exe',
  'usr/share/nsis/Plugins/x86-unicode/System.dll',
  'usr/share/win32/win32-loader.exe',
  'usr/lib/mono/4.5/mscorlib.dll',
];

const writerSeeds = [writePe(buildFullSpec(false)), writePe(buildFullSpec(true))];

function checkParse(data: Buffer): void {
  // An unbounded loop would hang here; the runner's timeout catches it (tests never assert on time).
  const f = parsePe(data, { now: new Date('2025-01-01T00:00:00Z') });
  if (f === null) return;
  assert.ok(Array.isArray(f.sections) && f.sections.length <= 96);
  assert.ok(Array.isArray(f.errors) && Array.isArray(f.anomalies));
  assert.ok(!f.errors.some((e) => e.startsWith('internal:')), f.errors.join('; '));
  JSON.stringify(f);
}

/** Byte flips: [offset, value]; offsets are taken modulo the seed length, half of them in the first 1 KiB (headers). */
const flips = fc.array(fc.tuple(fc.oneof(fc.nat(0x3ff), fc.nat()), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 24 });

function mutate(seed: Buffer, edits: Array<[number, number]>, cut: number | null): Buffer {
  const b = Buffer.from(seed);
  for (const [off, v] of edits) b[off % b.length] = v;
  return cut === null ? b : b.subarray(0, cut % (b.length + 1));
}

test('fuzz: mutated writer-made PEs (headers, directories, truncation) never throw', { timeout: 300_000 }, () => {
  fc.assert(
    fc.property(fc.nat(writerSeeds.length - 1), flips, fc.option(fc.nat()), (i, edits, cut) => {
      checkParse(mutate(writerSeeds[i]!.data, edits, cut));
    }),
    { seed: 20240601, numRuns: 6000 },
  );
});

test('fuzz: directory entries and counts set to hostile values never throw', { timeout: 300_000 }, () => {
  const hostile = fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x1000, 0x3000, 0xfff0);
  fc.assert(
    fc.property(fc.nat(writerSeeds.length - 1), fc.array(fc.tuple(fc.nat(31), hostile), { minLength: 1, maxLength: 8 }), (i, edits) => {
      const { data, layout } = writerSeeds[i]!;
      const b = Buffer.from(data);
      for (const [slot, v] of edits) b.writeUInt32LE(v, layout.directorySlots[slot >> 1]! + 4 * (slot & 1));
      checkParse(b);
    }),
    { seed: 7, numRuns: 3000 },
  );
});

const present = CORPUS_SEEDS.filter((p) => existsSync(join(CORPUS, p)));
test('fuzz: mutated real PE files never throw', {
  skip: present.length === 0 ? `the PE corpus is absent (${CORPUS}); see src/samples/pe/testdata/README.md` : false,
}, () => {
  const seeds = present.map((p) => readFileSync(join(CORPUS, p)));
  fc.assert(
    fc.property(fc.nat(seeds.length - 1), flips, fc.option(fc.nat(), { freq: 4 }), (i, edits, cut) => {
      checkParse(mutate(seeds[i]!, edits, cut));
    }),
    { seed: 424242, numRuns: 800 },
  );
});
