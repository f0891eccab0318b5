// Archives made by the real tools (Info-ZIP zip, GNU tar, gzip) at test time, read back by our readers;
// then the same real archives mutated and fuzzed. Tests skip, saying why, where a tool is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { DEFAULT_ARCHIVE_LIMITS, expandArchive } from './archive.js';

const FUZZ_SEED = 20130605;

/** False when `tool` is on the PATH, else the reason to skip. */
function skipUnlessTool(tool: string): string | false {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return false;
  } catch {
    return `${tool} is not installed; this test reads archives made by it`;
  }
}

const LONG_DIR = 'l'.repeat(120);
/** The files every archive below holds, by relative path. */
const FILES: Record<string, Buffer> = {
  'a.txt': Buffer.from('NetTraveler test text\n'.repeat(50)),
  'sub/b.exe': Buffer.concat([Buffer.from('MZ'), Buffer.alloc(3000, 0x41)]),
  [`${LONG_DIR}/${'n'.repeat(90)}.dll`]: Buffer.from('long name'),
  'empty.bin': Buffer.alloc(0),
};

/** A temporary folder holding `FILES` under `src/`, removed after the tests. */
const work = mkdtempSync(join(tmpdir(), 'sightline-interop-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
for (const [p, data] of Object.entries(FILES)) {
  mkdirSync(join(work, 'src', p, '..'), { recursive: true });
  writeFileSync(join(work, 'src', p), data);
}

/** Runs a tool in `work/src` and returns the archive it wrote. */
function make(out: string, cmd: string, args: string[]): Buffer {
  execFileSync(cmd, args, { cwd: join(work, 'src'), stdio: 'ignore' });
  return readFileSync(join(work, out));
}

/** Members as a sorted {inside: sha-free content check} map, and rendered diagnostics. */
function expand(data: Buffer, path: string) {
  const diags: Diagnostic[] = [];
  const members: Record<string, boolean> = {};
  for (const m of expandArchive(data, path, DEFAULT_ARCHIVE_LIMITS, (d) => diags.push(d))) {
    const name = m.inside.replace(/^\.\//, '');
    members[name] = FILES[name]?.equals(m.data) ?? false;
  }
  return { members, diags: diags.map(formatDiagnostic) };
}

const ALL_OK = Object.fromEntries(Object.keys(FILES).map((k) => [k, true]));
/** Real archives kept for the fuzz test. */
const realArchives: Buffer[] = [];

test('Info-ZIP zip: deflated, stored, ZipCrypto with infected, zip64, streamed with data descriptors', { skip: skipUnlessTool('zip') }, () => {
  const names = Object.keys(FILES);
  const plain = make('plain.zip', 'zip', ['-q', '-X', '-D', '../plain.zip', ...names]);
  assert.deepEqual(expand(plain, 'plain.zip'), { members: ALL_OK, diags: [] });
  const stored = make('stored.zip', 'zip', ['-q', '-X', '-D', '-0', '../stored.zip', ...names]);
  assert.deepEqual(expand(stored, 'stored.zip'), { members: ALL_OK, diags: [] });
  const enc = make('enc.zip', 'zip', ['-q', '-X', '-D', '-P', 'infected', '../enc.zip', ...names]);
  assert.deepEqual(expand(enc, 'enc.zip'), { members: ALL_OK, diags: [] });
  const other = make('other.zip', 'zip', ['-q', '-X', '-D', '-P', 'another', '../other.zip', 'a.txt']);
  assert.deepEqual(expand(other, 'other.zip'), { members: {}, diags: ["other.zip!a.txt: encrypted member: the password 'infected' does not fit"] });
  const z64 = make('z64.zip', 'zip', ['-q', '-X', '-D', '-fz', '../z64.zip', ...names]);
  assert.deepEqual(expand(z64, 'z64.zip'), { members: ALL_OK, diags: [] });
  // `zip - -` reads stdin and writes stdout: sizes and CRC follow the data in a descriptor.
  const streamed = execFileSync('zip', ['-q', '-', '-'], { input: FILES['sub/b.exe'] });
  const s = expand(streamed, 'streamed.zip');
  assert.deepEqual(s, { members: { '-': false }, diags: [] });
  const [only] = [...expandArchive(streamed, 's.zip', DEFAULT_ARCHIVE_LIMITS, () => undefined)];
  assert.ok(only!.data.equals(FILES['sub/b.exe']!));
  realArchives.push(plain, stored, enc, z64, streamed);
});

test('GNU tar: gnu, pax and ustar formats, and tar.gz', { skip: skipUnlessTool('tar') }, () => {
  const names = Object.keys(FILES);
  for (const format of ['gnu', 'pax', 'ustar']) {
    const tar = make(`${format}.tar`, 'tar', ['--format', format, '-cf', `../${format}.tar`, ...names]);
    assert.deepEqual(expand(tar, `${format}.tar`), { members: ALL_OK, diags: [] }, format);
    realArchives.push(tar);
  }
  const tgz = make('x.tar.gz', 'tar', ['-czf', '../x.tar.gz', ...names]);
  assert.deepEqual(expand(tgz, 'x.tar.gz'), { members: ALL_OK, diags: [] });
  realArchives.push(tgz);
});

test('gzip: the stored original name', { skip: skipUnlessTool('gzip') }, () => {
  const gz = execFileSync('gzip', ['-c', 'a.txt'], { cwd: join(work, 'src') });
  assert.deepEqual(expand(gz, 'download.gz'), { members: { 'a.txt': true }, diags: [] });
  const noName = execFileSync('gzip', ['-c', '-n', 'a.txt'], { cwd: join(work, 'src') });
  assert.deepEqual(expand(noName, 'dl/a.txt.gz'), { members: { 'a.txt': true }, diags: [] });
  realArchives.push(gz);
});

test('fuzz: mutated real archives never throw and stay within the limits', () => {
  if (realArchives.length === 0) return; // every tool missing: the tests above said so
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxTotalBytes: 1024 * 1024, maxMemberSize: 512 * 1024 };
  const mutated = fc
    .record({
      i: fc.nat(),
      writes: fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
      truncate: fc.option(fc.nat()),
    })
    .map(({ i, writes, truncate }) => {
      let b = Buffer.from(realArchives[i % realArchives.length]!);
      for (const w of writes) b[w.at % b.length] = w.byte;
      if (truncate !== null) b = b.subarray(0, truncate % (b.length + 1));
      return b;
    });
  fc.assert(
    fc.property(mutated, (data) => {
      let total = 0;
      for (const m of expandArchive(data, 'fuzz', limits, () => undefined)) total += m.data.length;
      assert.ok(total <= limits.maxTotalBytes);
    }),
    { seed: FUZZ_SEED, numRuns: 3000 },
  );
});
