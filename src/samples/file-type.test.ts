import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { detectFileType } from './file-type.js';
import { writePe } from './pe/testing/pe-writer.js';
import { buildTar } from './testing/tar-writer.js';
import { buildZip } from './testing/zip-writer.js';

/** A buffer of `size` bytes starting with `head`. */
function withHead(head: Buffer | string, size = 64, fill = 0): Buffer {
  const b = Buffer.alloc(Math.max(size, head.length), fill);
  (typeof head === 'string' ? Buffer.from(head, 'latin1') : head).copy(b);
  return b;
}

test('detectFileType: executables by magic', () => {
  assert.equal(detectFileType(writePe().data), 'pe');
  const dosOnly = withHead('MZ', 128);
  dosOnly.writeUInt32LE(0x40, 0x3c);
  assert.equal(detectFileType(dosOnly), 'data'); // MZ with no PE header is not a PE
  const lfanewPastEnd = withHead('MZ', 128);
  lfanewPastEnd.writeUInt32LE(0xfffffff0, 0x3c);
  assert.equal(detectFileType(lfanewPastEnd), 'data');
  assert.equal(detectFileType(withHead('\x7fELF\x02\x01\x01')), 'elf');
  assert.equal(detectFileType(withHead(Buffer.from('cffaedfe07000001', 'hex'))), 'macho');
  assert.equal(detectFileType(withHead(Buffer.from('feedface00000007', 'hex'))), 'macho');
  assert.equal(detectFileType(withHead(Buffer.from('cafebabe00000002', 'hex'))), 'macho');
  assert.equal(detectFileType(withHead(Buffer.from('cafebabe00000034', 'hex'))), 'data'); // a Java class (major 52)
});

test('detectFileType: documents', () => {
  assert.equal(detectFileType(withHead(Buffer.from('d0cf11e0a1b11ae1', 'hex'), 512)), 'ole2');
  assert.equal(detectFileType(buildZip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name: 'word/document.xml', data: Buffer.from('<w/>') }])), 'ooxml');
  assert.equal(detectFileType(Buffer.from('{\\rtf1\\ansi\\deff0 {\\fonttbl}}')), 'rtf');
  assert.equal(detectFileType(Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj', 'latin1')), 'pdf');
  assert.equal(detectFileType(Buffer.concat([Buffer.alloc(100, 0x20), Buffer.from('%PDF-1.4')])), 'pdf');
  const lnk = withHead(Buffer.from('4c0000000114020000000000c000000000000046', 'hex'), 76);
  assert.equal(detectFileType(lnk), 'lnk');
});

test('detectFileType: archives', () => {
  assert.equal(detectFileType(buildZip([{ name: 'a.exe', data: Buffer.from('MZ') }])), 'zip');
  assert.equal(detectFileType(zlib.gzipSync(Buffer.from('hello'))), 'gzip');
  assert.equal(detectFileType(buildTar([{ name: 'a.txt', data: Buffer.from('hello') }])), 'tar');
  const badTar = buildTar([{ name: 'a.txt', data: Buffer.from('hello'), checksumDelta: 1 }]);
  assert.equal(detectFileType(badTar), 'data');
});

test('detectFileType: scripts, text and data', () => {
  assert.equal(detectFileType(Buffer.from('#!/bin/sh\necho hi\n')), 'script');
  assert.equal(detectFileType(Buffer.from('@ECHO OFF\r\nstart x.exe\r\n')), 'script');
  assert.equal(detectFileType(Buffer.from('Set o = CreateObject("WScript.Shell")\n')), 'script');
  assert.equal(detectFileType(Buffer.from('powershell -nop -w hidden -enc AAAA')), 'script');
  assert.equal(detectFileType(Buffer.from('<html><script>var a=1</script></html>')), 'script');
  assert.equal(detectFileType(Buffer.from('Dear colleague,\r\nthe report is attached.\r\n')), 'text');
  assert.equal(detectFileType(Buffer.from('h\u00e9llo w\u00f6rld, caf\u00e9\n', 'utf8')), 'text');
  assert.equal(detectFileType(Buffer.from('\ufeffhello', 'utf16le')), 'text');
  assert.equal(detectFileType(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 0x41])), 'data');
  assert.equal(detectFileType(Buffer.from('abc\0def')), 'data');
  assert.equal(detectFileType(Buffer.alloc(0)), 'data');
  assert.equal(detectFileType(Buffer.from('M')), 'text');
});
