import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { DEFAULT_ARCHIVE_LIMITS, detectArchiveKind, expandArchive, type ArchiveLimits } from './archive.js';
import { buildTar } from './testing/tar-writer.js';
import { buildZip } from './testing/zip-writer.js';
import { readZipMembers } from './zip-reader.js';

/** Expands and returns members as [inside, text] and diagnostics as rendered text. */
function expand(data: Buffer, path = 'x.zip', limits: Partial<ArchiveLimits> = {}) {
  const diags: Diagnostic[] = [];
  const members: [string, string][] = [];
  for (const m of expandArchive(data, path, { ...DEFAULT_ARCHIVE_LIMITS, ...limits }, (d) => diags.push(d))) {
    members.push([m.inside, m.data.length > 64 ? `<${m.data.length} bytes>` : m.data.toString('latin1')]);
  }
  return { members, diags: diags.map(formatDiagnostic) };
}

const A = Buffer.from('alpha alpha alpha alpha alpha');
const B = Buffer.from('MZ bravo');

test('zip: stored and deflated members, folders skipped, utf-8 names', () => {
  const zip = buildZip([
    { name: 'dir/', data: Buffer.alloc(0), method: 'store' },
    { name: 'dir/a.txt', data: A, method: 'deflate' },
    { name: 'b.exe', data: B, method: 'store' },
    { name: 'résumé.doc', data: Buffer.alloc(0) },
  ]);
  assert.equal(detectArchiveKind(zip), 'zip');
  assert.deepEqual(expand(zip), { members: [['dir/a.txt', A.toString()], ['b.exe', 'MZ bravo'], ['résumé.doc', '']], diags: [] });
});

test('zip: ZipCrypto with the password infected, with and without a data descriptor', () => {
  const zip = buildZip([
    { name: 'a.dll', data: A, password: 'infected' },
    { name: 'b.exe', data: B, password: 'infected', method: 'store', dataDescriptor: true },
    { name: 'c.bin', data: B, password: 'secret' },
  ]);
  assert.deepEqual(expand(zip, 'samples.zip'), {
    members: [['a.dll', A.toString()], ['b.exe', 'MZ bravo']],
    diags: ["samples.zip!c.bin: encrypted member: the password 'infected' does not fit"],
  });
});

test('zip: AES-encrypted members are reported, others still read', () => {
  const zip = buildZip([{ name: 'aes.exe', data: B, aes: true }, { name: 'ok.txt', data: A }]);
  assert.deepEqual(expand(zip), { members: [['ok.txt', A.toString()]], diags: ['x.zip!aes.exe: AES-encrypted member not supported'] });
});

test('zip: zip64 extra fields and zip64 end records', () => {
  const zip = buildZip([{ name: 'a', data: A, zip64: true }, { name: 'b', data: B, zip64: true, method: 'store' }], { zip64End: true });
  assert.deepEqual(expand(zip), { members: [['a', A.toString()], ['b', 'MZ bravo']], diags: [] });
});

test('zip: data descriptors, an end signature inside the comment, a self-extractor stub in front', () => {
  const zip = buildZip([{ name: 'a', data: A, dataDescriptor: true }], { comment: 'PK\x05\x06 comment' });
  assert.deepEqual(expand(zip), { members: [['a', A.toString()]], diags: [] });
  // expandArchive opens only what starts like an archive; the zip reader itself finds a zip behind a stub.
  const sfx = buildZip([{ name: 'a', data: A }], { prefix: Buffer.alloc(1000, 0x90) });
  const diags: Diagnostic[] = [];
  const ctx = { limits: DEFAULT_ARCHIVE_LIMITS, onDiagnostic: (d: Diagnostic) => diags.push(d), totalBytes: 0, members: 0, stopped: false };
  assert.deepEqual([...readZipMembers(sfx, 'sfx.exe', ctx)].map((m) => [m.name, m.data.toString()]), [['a', A.toString()]]);
  assert.deepEqual(diags, []);
});

test('zip: a wrong CRC and a lying size are bad records', () => {
  const zip = buildZip([
    { name: 'crc', data: A, crc: 0x12345678 },
    { name: 'short', data: A, declaredSize: 5 },
    { name: 'long', data: A, declaredSize: 500 },
    { name: 'stored', data: B, method: 'store', declaredSize: 3 },
  ]);
  assert.deepEqual(expand(zip), {
    members: [],
    diags: [
      'x.zip!crc: CRC-32 mismatch: member corrupt',
      'x.zip!short: inflates past its declared 5 bytes',
      'x.zip!long: member is 29 bytes, the directory says 500',
      'x.zip!stored: member is 8 bytes, the directory says 3',
    ],
  });
});

test('zip: a bomb by ratio is not inflated; the total cap stops the rest', () => {
  const zeros = Buffer.alloc(20 * 1024 * 1024);
  const bomb = buildZip([{ name: 'zeros.bin', data: zeros }, { name: 'after.txt', data: A }]);
  assert.deepEqual(expand(bomb, 'bomb.zip'), {
    members: [['after.txt', A.toString()]],
    diags: ['bomb.zip!zeros.bin: compression ratio 1029:1 over the limit 100:1 (zip bomb?): not expanded'],
  });
  const many = buildZip([0, 1, 2, 3].map((i) => ({ name: `r${i}`, data: Buffer.alloc(400, i), method: 'store' as const })));
  assert.deepEqual(expand(many, 'm.zip', { maxTotalBytes: 1000 }), {
    members: [['r0', '<400 bytes>'], ['r1', '<400 bytes>']],
    diags: ['m.zip!r2: archive expands past the limit of 1000 bytes in all (zip bomb?): the rest is not expanded'],
  });
});

test('zip: member size and member count limits', () => {
  const zip = buildZip([{ name: 'big', data: Buffer.alloc(100, 1), method: 'store' }, { name: 'a', data: A }, { name: 'b', data: B }]);
  assert.deepEqual(expand(zip, 'x.zip', { maxMemberSize: 50, maxMembers: 2 }), {
    members: [['a', A.toString()]],
    diags: [
      'x.zip: zip claims 3 members, over the limit of 2: only the first 2 read',
      'x.zip!big: member of 100 bytes over the limit of 50: not expanded',
    ],
  });
  // The member cap counts across nesting levels too.
  const outer = buildZip([{ name: 'in.zip', data: zip, method: 'store' }, { name: 'z', data: A }]);
  assert.deepEqual(expand(outer, 'o.zip', { maxMembers: 3 }), {
    members: [['in.zip', '<381 bytes>'], ['in.zip!big', '<100 bytes>'], ['in.zip!a', A.toString()]],
    diags: ['o.zip: archive holds more than 3 members: the rest is not expanded'],
  });
});

test('zip: cut off before its central directory, members are salvaged from local headers', () => {
  const zip = buildZip([{ name: 'a', data: A }, { name: 'b', data: B, zip64: true }, { name: 'c', data: A, dataDescriptor: true }, { name: 'd', data: A }]);
  assert.deepEqual(expand(zip.subarray(0, zip.indexOf('PK\x01\x02') + 10)), {
    members: [['a', A.toString()], ['b', 'MZ bravo']],
    diags: [
      'x.zip: zip without an end-of-central-directory record (cut off?): members read from their local headers',
      "x.zip:byte 111: local header of 'c' leaves its size to a data descriptor: the rest is not read",
    ],
  });
  assert.deepEqual(expand(zip.subarray(0, 40)), {
    members: [],
    diags: [
      'x.zip: zip without an end-of-central-directory record (cut off?): members read from their local headers',
      'x.zip!a: member data runs past the end of the archive (42 > 40)',
    ],
  });
});

test('tar: ustar prefix, pax path, GNU long name, base-256 size; folders, links and FIFOs passed over', () => {
  const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(40)}.exe`;
  const tar = buildTar([
    { name: 'top/', type: '5' },
    { name: 'top/a.txt', data: A },
    { name: long, data: B, longName: 'ustar' },
    { name: `pax/${long}`, data: B, longName: 'pax' },
    { name: `gnu/${long}`, data: B, longName: 'gnu', gnuMagic: true },
    { name: 'b256.bin', data: A, base256Size: true, gnuMagic: true },
    { name: 'link', type: '2' },
    { name: 'fifo', type: '6' },
  ]);
  assert.equal(detectArchiveKind(tar), 'tar');
  assert.deepEqual(expand(tar, 't.tar'), {
    members: [['top/a.txt', A.toString()], [long, 'MZ bravo'], [`pax/${long}`, 'MZ bravo'], [`gnu/${long}`, 'MZ bravo'], ['b256.bin', A.toString()]],
    diags: [],
  });
});

test('tar: a bad checksum stops the archive; a member past the end is truncated', () => {
  const tar = buildTar([{ name: 'a', data: A }, { name: 'b', data: B, checksumDelta: 1 }, { name: 'c', data: B }]);
  assert.deepEqual(expand(tar, 't.tar'), {
    members: [['a', A.toString()]],
    diags: ['t.tar:byte 1024: tar header checksum mismatch: the rest of the archive is not read'],
  });
  const cut = buildTar([{ name: 'a', data: Buffer.alloc(2000, 7) }]).subarray(0, 1500);
  assert.deepEqual(expand(cut, 't.tar'), { members: [], diags: ['t.tar:byte 0: tar member of 2000 bytes runs past the end of the archive'] });
});

test('gzip: the FNAME, else the name less .gz; tar.gz is one level', () => {
  const named = zlib.gzipSync(B);
  named[3] = 8; // FNAME
  const withName = Buffer.concat([named.subarray(0, 10), Buffer.from('orig.exe\0'), named.subarray(10)]);
  assert.equal(detectArchiveKind(withName), 'gzip');
  assert.deepEqual(expand(withName, 'dl/x.gz'), { members: [['orig.exe', 'MZ bravo']], diags: [] });
  assert.deepEqual(expand(zlib.gzipSync(B), 'dl/payload.bin.gz'), { members: [['payload.bin', 'MZ bravo']], diags: [] });
  const tgz = zlib.gzipSync(buildTar([{ name: 'in/a.txt', data: A }]));
  assert.deepEqual(expand(tgz, 'x.tgz'), { members: [['in/a.txt', A.toString()]], diags: [] });
  assert.deepEqual(expand(zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024)), 'z.gz'), {
    members: [],
    diags: ['z.gz: gzip expands more than 100:1 (gzip bomb?): not expanded'],
  });
  assert.deepEqual(expand(Buffer.concat([zlib.gzipSync(A).subarray(0, 20), Buffer.alloc(10)]), 'c.gz').diags, [
    'c.gz: gzip data corrupt (incorrect data check)',
  ]);
});

test('nested: a zip in a tar.gz yields the inner zip, then inner.zip!x.dll; depth is capped', () => {
  const inner = buildZip([{ name: 'x.dll', data: B }]);
  const tgz = zlib.gzipSync(buildTar([{ name: 'pkg/inner.zip', data: inner }, { name: 'pkg/readme', data: A }]));
  const got = expand(tgz, 'drop.tar.gz');
  assert.deepEqual(got.members.map((m) => m[0]), ['pkg/inner.zip', 'pkg/inner.zip!x.dll', 'pkg/readme']);
  assert.equal(got.members[1]![1], 'MZ bravo');
  assert.deepEqual(got.diags, []);
  // Four levels of zips: the third level's archive is yielded but not opened.
  let z = buildZip([{ name: 'core.exe', data: B }]);
  for (const n of ['l3.zip', 'l2.zip', 'l1.zip']) z = buildZip([{ name: n, data: z, method: 'store' }]);
  assert.deepEqual(expand(z, 'top.zip'), {
    members: [['l1.zip', '<344 bytes>'], ['l1.zip!l2.zip', '<234 bytes>'], ['l1.zip!l2.zip!l3.zip', '<124 bytes>']],
    diags: ['top.zip!l1.zip!l2.zip!l3.zip: archive nested deeper than 3 levels: not expanded'],
  });
});

test('not an archive: nothing yielded, nothing reported', () => {
  assert.deepEqual(expand(Buffer.from('just text'), 'a.txt'), { members: [], diags: [] });
  assert.deepEqual(expand(Buffer.alloc(0), 'empty'), { members: [], diags: [] });
});
