import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile } from './analyze-file.js';
import { baseNameOf, fileObservations } from './file-observations.js';
import { hashBytes } from './hash-bytes.js';
import { parsePe } from './pe/index.js';
import { writePe } from './pe/testing/pe-writer.js';

const ABC = { md5: '900150983cd24fb0d6963f7d28e17f72', sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d', sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' };

test('hashBytes: the standard "abc" vectors, the empty file, and a buffer over several chunks', () => {
  assert.deepEqual(hashBytes(Buffer.from('abc')), ABC);
  assert.deepEqual(hashBytes(Buffer.alloc(0)), {
    md5: 'd41d8cd98f00b204e9800998ecf8427e',
    sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  });
  const big = Buffer.alloc((1 << 20) + 7);
  for (let i = 0; i < big.length; i++) big[i] = i % 251;
  assert.deepEqual(hashBytes(big), {
    md5: '7815960a39043ead5189a4bcffa2387d',
    sha1: 'e10615bab97a276c66b8504258667336def246fb',
    sha256: '9e037498ddbb955fba0752812031c14ba299a4875cb400e8b8c1d77b3962c90e',
  });
});

test('analyzeFile: a text file has no PE facts', () => {
  assert.deepEqual(analyzeFile(Buffer.from('abc')), { ...ABC, size: 3, type: 'text', pe: null, factsBytes: 0, factsJson: null });
});

test('analyzeFile: a PE gets the PE parser\'s facts', () => {
  const { data } = writePe();
  const facts = analyzeFile(data);
  assert.equal(facts.type, 'pe');
  assert.equal(facts.size, data.length);
  assert.deepEqual({ md5: facts.md5, sha1: facts.sha1, sha256: facts.sha256 }, hashBytes(data));
  assert.notEqual(facts.pe, null);
  assert.deepEqual(facts.pe, parsePe(data));
  assert.equal(facts.factsBytes, Buffer.byteLength(JSON.stringify(facts.pe)));
});

test('analyzeFile: a broken PE header is typed data and not parsed', () => {
  const { data } = writePe();
  data.writeUInt32LE(data.length + 100, 0x3c);
  assert.deepEqual(analyzeFile(data).type, 'data');
  assert.equal(analyzeFile(data).pe, null);
});

test('fileObservations: three hashes and the base name, with `inside` for archive members', () => {
  const facts = analyzeFile(Buffer.from('abc'));
  assert.deepEqual(fileObservations('samples/dir/netmgr.exe', undefined, facts), [
    { field: 'file.md5', kind: 'hash', value: ABC.md5, ts: null, src: null, dst: null },
    { field: 'file.sha1', kind: 'hash', value: ABC.sha1, ts: null, src: null, dst: null },
    { field: 'file.sha256', kind: 'hash', value: ABC.sha256, ts: null, src: null, dst: null },
    { field: 'file.name', kind: 'filename', value: 'netmgr.exe', ts: null, src: null, dst: null },
  ]);
  const inner = fileObservations('drop.zip', 'inner.zip!sys\\winlogin.dll', facts);
  assert.deepEqual(inner.map((o) => [o.field, o.value, o.inside]), [
    ['file.md5', ABC.md5, 'inner.zip!sys\\winlogin.dll'],
    ['file.sha1', ABC.sha1, 'inner.zip!sys\\winlogin.dll'],
    ['file.sha256', ABC.sha256, 'inner.zip!sys\\winlogin.dll'],
    ['file.name', 'winlogin.dll', 'inner.zip!sys\\winlogin.dll'],
  ]);
  assert.deepEqual(fileObservations('dir/', undefined, facts).map((o) => o.field), ['file.md5', 'file.sha1', 'file.sha256']);
});

test('baseNameOf: slashes, backslashes and archive separators', () => {
  assert.equal(baseNameOf('a/b/c.exe'), 'c.exe');
  assert.equal(baseNameOf('C:\\Windows\\x.dll'), 'x.dll');
  assert.equal(baseNameOf('x.zip!in/y.dll'), 'y.dll');
  assert.equal(baseNameOf('plain'), 'plain');
});
