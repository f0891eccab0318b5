import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { expandArchive } from './archive.js';
import { detectFileType } from './file-type.js';
import { buildTar } from './testing/tar-writer.js';
import { buildZip } from './testing/zip-writer.js';

const FUZZ_SEED = 20130604;
const LIMITS = { maxDepth: 3, maxRatio: 100, maxTotalBytes: 4 * 1024 * 1024, maxMembers: 200, maxMemberSize: 2 * 1024 * 1024, maxFactsBytes: 1024 * 1024 };

const text = Buffer.from('NetTraveler travlerbackinfo '.repeat(20));
const inner = buildZip([{ name: 'x.dll', data: text }]);
/** Valid archives of every kind the readers know, to be mutated. */
const SEEDS: Buffer[] = [
  buildZip([{ name: 'a.txt', data: text }, { name: 'b.bin', data: Buffer.alloc(3000, 1), method: 'store' }]),
  buildZip([{ name: 'enc.exe', data: text, password: 'infected', dataDescriptor: true }, { name: 'aes', data: text, aes: true }]),
  buildZip([{ name: 'z64', data: text, zip64: true }], { zip64End: true }),
  buildZip([{ name: 'zeros', data: Buffer.alloc(3 * 1024 * 1024) }]),
  buildTar([{ name: 'a/b.txt', data: text }, { name: 'x'.repeat(150), data: text, longName: 'pax' }, { name: 'y'.repeat(150), data: text, longName: 'gnu' }]),
  zlib.gzipSync(buildTar([{ name: 'pkg/inner.zip', data: inner }])),
  zlib.gzipSync(text),
];

/** A seed with some bytes overwritten, a piece cut out or the tail cut off. */
const mutated = fc
  .record({
    seed: fc.integer({ min: 0, max: SEEDS.length - 1 }),
    writes: fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
    cut: fc.option(fc.record({ at: fc.nat(), len: fc.nat({ max: 600 }) })),
    truncate: fc.option(fc.nat()),
  })
  .map(({ seed, writes, cut, truncate }) => {
    let b = Buffer.from(SEEDS[seed]!);
    for (const w of writes) b[w.at % b.length] = w.byte;
    if (cut) b = Buffer.concat([b.subarray(0, cut.at % b.length), b.subarray((cut.at % b.length) + cut.len)]);
    if (truncate !== null) b = b.subarray(0, truncate % (b.length + 1));
    return b;
  });

test('fuzz: expandArchive never throws on mutated archives and stays within its limits', () => {
  fc.assert(
    fc.property(mutated, (data) => {
      let total = 0;
      let members = 0;
      for (const m of expandArchive(data, 'fuzz', LIMITS, () => undefined)) {
        assert.ok(m.data.length <= LIMITS.maxMemberSize);
        total += m.data.length;
        members++;
      }
      assert.ok(total <= LIMITS.maxTotalBytes);
      assert.ok(members <= LIMITS.maxMembers);
    }),
    { seed: FUZZ_SEED, numRuns: 5000 },
  );
});

test('fuzz: detectFileType never throws and answers one of its types', () => {
  const types = new Set(['pe', 'elf', 'macho', 'ole2', 'ooxml', 'rtf', 'pdf', 'zip', 'gzip', 'tar', 'lnk', 'script', 'text', 'data']);
  const anyBytes = fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a));
  fc.assert(
    fc.property(fc.oneof(mutated, anyBytes), (data) => {
      assert.ok(types.has(detectFileType(data)));
    }),
    { seed: FUZZ_SEED, numRuns: 5000 },
  );
});
