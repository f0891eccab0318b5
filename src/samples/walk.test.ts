import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { walkFiles, type WalkOptions } from './walk.js';

/** Walks and returns [path, content] pairs and rendered diagnostics (with severity). */
async function walk(paths: string[], opts: Partial<WalkOptions> = {}) {
  const diags: Diagnostic[] = [];
  const files: [string, string][] = [];
  for await (const f of walkFiles(paths, { maxFileSize: 1024, onDiagnostic: (d) => diags.push(d), ...opts })) {
    assert.equal(f.size, f.data.length);
    files.push([f.path, f.data.toString()]);
  }
  return { files, diags: diags.map((d) => `${d.code} ${d.severity} ${formatDiagnostic(d)}`) };
}

/** A fresh temporary folder, removed after the test. */
function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-walk-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('walk: files in name order, symlinks followed, a symlink loop, a dangling link, a FIFO, a socket, a file too large', async (t) => {
  const root = tempDir(t);
  mkdirSync(join(root, 'a', 'b'), { recursive: true });
  writeFileSync(join(root, 'a', '1.txt'), 'one');
  writeFileSync(join(root, 'a', 'b', '2.txt'), 'two');
  writeFileSync(join(root, 'a', 'big.bin'), Buffer.alloc(2000));
  writeFileSync(join(root, 'a', 'empty'), '');
  symlinkSync('..', join(root, 'a', 'b', 'loop'));
  symlinkSync('1.txt', join(root, 'a', 'link.txt'));
  symlinkSync('nowhere', join(root, 'a', 'dangling'));
  symlinkSync('self', join(root, 'a', 'self'));
  // Tests run as root, which chmod 000 does not stop: unreadable is shown with links that cannot be followed.
  execFileSync('mkfifo', [join(root, 'a', 'fifo')]);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(join(root, 'a', 'sock'), resolve));
  t.after(() => server.close());
  const rel = relative(process.cwd(), join(root, 'a'));
  assert.ok(!rel.startsWith('/'));
  const got = await walk([rel]);
  assert.deepEqual(got, {
    files: [[`${rel}/1.txt`, 'one'], [`${rel}/b/2.txt`, 'two'], [`${rel}/empty`, ''], [`${rel}/link.txt`, 'one']],
    diags: [
      `skipped warning ${rel}/b/loop: folder already walked (symbolic link loop or repeat): not walked again`,
      `too-large error ${rel}/big.bin: file of 2000 bytes over the limit of 1024: not read`,
      `unreadable error ${rel}/dangling: cannot read: ENOENT`,
      `skipped error ${rel}/fifo: a FIFO: not read`,
      `unreadable error ${rel}/self: cannot read: ELOOP`,
      `skipped error ${rel}/sock: a socket: not read`,
    ],
  });
});

test('walk: paths as given, files given directly, special files and missing paths', async (t) => {
  const root = tempDir(t);
  writeFileSync(join(root, 'x.exe'), 'MZ');
  const got = await walk([`${root}/`, join(root, 'x.exe'), '/dev/null', join(root, 'missing')], { maxFileSize: undefined });
  assert.deepEqual(got, {
    files: [[`${root}/x.exe`, 'MZ'], [join(root, 'x.exe'), 'MZ']],
    diags: [
      'skipped error /dev/null: a character device: not read',
      `unreadable error ${join(root, 'missing')}: cannot read: ENOENT`,
    ],
  });
});

/** Removes a chain of `levels` folders named `name` (each holding a file 'f') deeper than rm can reach, from the inside. */
function removeChain(root: string, name: string, levels: number): void {
  const cwd = process.cwd();
  try {
    process.chdir(root);
    let depth = 0;
    while (depth < levels && existsSync(name)) { process.chdir(name); depth++; }
    for (; depth > 0; depth--) {
      rmSync('f', { force: true });
      process.chdir('..');
      rmdirSync(name);
    }
  } finally {
    process.chdir(cwd);
  }
}

test('walk: paths longer than PATH_MAX are reported, the rest is read', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'sightline-walk-'));
  const name = 'd'.repeat(200);
  const cwd = process.cwd();
  // mkdir cannot take a path over PATH_MAX (4096): build the chain a level at a time from inside it.
  try {
    process.chdir(root);
    for (let i = 0; i < 24; i++) {
      mkdirSync(name);
      process.chdir(name);
      writeFileSync('f', String(i));
    }
  } finally {
    process.chdir(cwd);
  }
  t.after(() => {
    removeChain(root, name, 24);
    rmSync(root, { recursive: true, force: true });
  });
  const got = await walk([root]);
  // A file at level L is root + L × '/ddd…' + '/f': those within PATH_MAX - 1 (4095) bytes are read,
  // deepest first (folder names sort before 'f'); the first folder past the limit cannot be listed.
  const fit = Math.floor((4095 - 2 - root.length) / 201);
  assert.ok(fit > 10 && fit < 24);
  const levels = got.files.map(([p, text]) => [(p.length - root.length - 2) / 201, text]);
  assert.deepEqual(levels, Array.from({ length: fit }, (_, i) => [fit - i, String(fit - i - 1)]));
  assert.equal(got.diags.length, 1);
  assert.match(got.diags[0]!, /^unreadable error \/.*: cannot read: ENAMETOOLONG$/);
});

test('walk: 10,000 files, and an abort signal stops between files', async (t) => {
  const root = tempDir(t);
  for (let d = 0; d < 10; d++) {
    mkdirSync(join(root, `d${d}`));
    const names = Array.from({ length: 1000 }, (_, f) => f);
    await Promise.all(names.map((f) => writeFile(join(root, `d${d}`, `f${String(f).padStart(4, '0')}`), `${d}.${f}`)));
  }
  let count = 0;
  let last = '';
  const diags: Diagnostic[] = [];
  for await (const f of walkFiles([root], { maxFileSize: 100, onDiagnostic: (d) => diags.push(d) })) {
    count++;
    last = `${f.path.slice(root.length)}=${f.data.toString()}`;
  }
  assert.equal(count, 10000);
  assert.equal(last, '/d9/f0999=9.999');
  assert.deepEqual(diags, []);
  const ac = new AbortController();
  const seen: string[] = [];
  for await (const f of walkFiles([root], { maxFileSize: 100, onDiagnostic: () => undefined, signal: ac.signal })) {
    seen.push(f.path.slice(root.length));
    if (seen.length === 3) ac.abort();
  }
  assert.deepEqual(seen, ['/d0/f0000', '/d0/f0001', '/d0/f0002']);
});

/** An evidence folder with links inside it, to a file outside it, to /etc/passwd, and into another folder given. */
function buildLinkedTree(root: string): { evidence: string; other: string; outside: string } {
  const evidence = join(root, 'evidence');
  const other = join(root, 'other');
  const outside = join(root, 'outside');
  for (const d of [evidence, join(evidence, 'sub'), other, outside]) mkdirSync(d);
  writeFileSync(join(evidence, 'ok.txt'), 'ok');
  writeFileSync(join(evidence, 'sub', 'deep.txt'), 'deep');
  writeFileSync(join(other, 'other.txt'), 'other');
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  symlinkSync('ok.txt', join(evidence, 'alias.txt'));
  symlinkSync('../ok.txt', join(evidence, 'sub', 'up.txt'));
  symlinkSync('/etc/passwd', join(evidence, 'passwd'));
  symlinkSync(join(outside, 'secret.txt'), join(evidence, 'secret.txt'));
  symlinkSync('../outside', join(evidence, 'out-dir'));
  symlinkSync('../other', join(evidence, 'to-other'));
  return { evidence, other, outside };
}

test('walk: links inside the paths given are followed; links out of them are reported and not followed', async (t) => {
  const root = tempDir(t);
  const { evidence, other, outside } = buildLinkedTree(root);
  const real = (p: string) => realpathSync(p);
  const got = await walk([evidence, other]);
  assert.deepEqual(got, {
    files: [
      [`${evidence}/alias.txt`, 'ok'], [`${evidence}/ok.txt`, 'ok'], [`${evidence}/sub/deep.txt`, 'deep'],
      [`${evidence}/sub/up.txt`, 'ok'], [`${evidence}/to-other/other.txt`, 'other'],
    ],
    diags: [
      `skipped error ${evidence}/out-dir: symbolic link to ${real(outside)}, outside the paths given: not followed (--follow-symlinks follows it)`,
      `skipped error ${evidence}/passwd: symbolic link to ${real('/etc/passwd')}, outside the paths given: not followed (--follow-symlinks follows it)`,
      `skipped error ${evidence}/secret.txt: symbolic link to ${real(join(outside, 'secret.txt'))}, outside the paths given: not followed (--follow-symlinks follows it)`,
      `skipped warning ${other}: folder already walked (symbolic link loop or repeat): not walked again`,
    ],
  });
});

test('walk: followSymlinks follows links out of the paths given; a link given as a path is always followed', async (t) => {
  const root = tempDir(t);
  const { evidence, outside } = buildLinkedTree(root);
  rmSync(join(evidence, 'passwd'));
  const followed = await walk([evidence], { followSymlinks: true });
  assert.deepEqual(followed, {
    files: [
      [`${evidence}/alias.txt`, 'ok'], [`${evidence}/ok.txt`, 'ok'], [`${evidence}/out-dir/secret.txt`, 'secret'],
      [`${evidence}/secret.txt`, 'secret'], [`${evidence}/sub/deep.txt`, 'deep'], [`${evidence}/sub/up.txt`, 'ok'],
      [`${evidence}/to-other/other.txt`, 'other'],
    ],
    diags: [],
  });
  symlinkSync(outside, join(root, 'named-link'));
  symlinkSync(join(outside, 'secret.txt'), join(root, 'named-file'));
  const named = await walk([join(root, 'named-link'), join(root, 'named-file')]);
  assert.deepEqual(named, {
    files: [[`${join(root, 'named-link')}/secret.txt`, 'secret'], [join(root, 'named-file'), 'secret']],
    diags: [],
  });
});
