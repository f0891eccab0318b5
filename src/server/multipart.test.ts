/** The streaming multipart reader: any chunking gives the same file; limits and malformed bodies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ApiError } from './errors.js';
import { multipartBoundary, parseDisposition, receiveUpload, safeFileName } from './multipart.js';

const opts = { fileField: 'file', fields: ['campaign'], maxFileBytes: 1 << 20 };

function streamOf(body: Buffer, cuts: number[]): ReadableStream<Uint8Array> {
  const points = [...new Set(cuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const p of [...points, body.length]) {
    if (p > at) chunks.push(new Uint8Array(body.subarray(at, p)));
    at = Math.max(at, p);
  }
  return new ReadableStream({ start(c) { for (const x of chunks) c.enqueue(x); c.close(); } });
}

function body(boundary: string, file: Buffer, fields: Record<string, string> = {}, filename = 'a.log'): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
  parts.push(file, Buffer.from(`\r\n--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-mp-'));
  try { return await fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('any chunking of a body gives the same file, fields and hash, even when the file holds boundary-like bytes', async () => {
  await fc.assert(fc.asyncProperty(
    fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(4000), { maxLength: 12 }), fc.constantFrom('b', 'XyZ123', '----WebKitFormBoundary7MA4YWxkTrZu0gW'),
    async (bytes, cuts, boundary) => {
      // Put near-boundaries inside the file: CRLF, "--", the boundary without its CRLF.
      const file = Buffer.concat([Buffer.from(bytes), Buffer.from(`\r\n-${boundary}\r\n--${boundary.slice(0, -1)}`), Buffer.from(bytes.slice(0, 5))]);
      // A sender picks a boundary its content does not hold (RFC 2046 5.1.1).
      fc.pre(!file.includes(`\r\n--${boundary}`));
      await withDir(async (dir) => {
        const up = await receiveUpload(streamOf(body(boundary, file, { campaign: 'NetTraveler' }), cuts), `multipart/form-data; boundary=${boundary}`, dir, opts);
        assert.deepEqual(readFileSync(up.file.path), file);
        assert.equal(up.file.size, file.length);
        assert.equal(up.file.sha256, createHash('sha256').update(file).digest('hex'));
        assert.deepEqual(up.fields, { campaign: 'NetTraveler' });
      });
    },
  ), { numRuns: 200 });
});

test('limits and malformed bodies are errors, and leave no file', async () => {
  const b = 'bnd';
  const ct = `multipart/form-data; boundary=${b}`;
  const cases: [string, Buffer | string, number, typeof opts?][] = [
    ['too large', body(b, Buffer.alloc(2000)), 413, { ...opts, maxFileBytes: 1000 }],
    ['no file', Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="campaign"\r\n\r\nx\r\n--${b}--\r\n`), 400],
    ['two files', Buffer.concat([body(b, Buffer.from('x')).subarray(0, -(b.length + 6)), Buffer.from(`\r\n--${b}\r\nContent-Disposition: form-data; name="file"; filename="b"\r\n\r\ny\r\n--${b}--\r\n`)]), 400],
    ['unknown field', body(b, Buffer.from('x'), { other: 'y' }), 400],
    ['field too long', body(b, Buffer.from('x'), { campaign: 'x'.repeat(2000) }), 400],
    ['truncated', body(b, Buffer.from('abc')).subarray(0, -8), 400],
    ['no disposition', Buffer.from(`--${b}\r\nContent-Type: text/plain\r\n\r\nx\r\n--${b}--\r\n`), 400],
    ['headers too long', Buffer.from(`--${b}\r\nX: ${'a'.repeat(20000)}\r\n\r\nx\r\n--${b}--\r\n`), 400],
    ['no boundary at the start', Buffer.alloc(20000, 0x61), 400],
    ['file part without a file name', body(b, Buffer.from('x'), {}, '').toString('latin1').replace('; filename=""', ''), 400],
  ];
  for (const [name, raw, status, o] of cases) {
    await withDir(async (dir) => {
      const data = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
      await assert.rejects(receiveUpload(streamOf(data, [7, 100]), ct, dir, o ?? opts), (e: unknown) => e instanceof ApiError && e.status === status, name);
      assert.deepEqual(readdirSync(dir), [], `${name}: nothing left`);
    });
  }
  await withDir(async (dir) => {
    await assert.rejects(receiveUpload(streamOf(Buffer.from('x'), []), 'text/plain', dir, opts), (e: unknown) => e instanceof ApiError && e.status === 415);
  });
});

test('boundaries, dispositions and file names', () => {
  assert.equal(multipartBoundary('multipart/form-data; boundary=----abc'), '----abc');
  assert.equal(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b"'), 'a b');
  assert.equal(multipartBoundary('multipart/mixed; boundary=x'), null);
  assert.equal(multipartBoundary('multipart/form-data'), null);
  assert.equal(multipartBoundary(`multipart/form-data; boundary=${'x'.repeat(71)}`), null);
  assert.deepEqual(parseDisposition('form-data; name="file"; filename="a \\"b\\".log"'), { name: 'file', filename: 'a "b".log' });
  assert.deepEqual(parseDisposition('form-data; name=campaign'), { name: 'campaign', filename: null });
  assert.deepEqual(parseDisposition('attachment; name="file"'), { name: null, filename: null });
  assert.equal(safeFileName('../../etc/passwd'), 'passwd');
  assert.equal(safeFileName('C:\\logs\\dns.log'), 'dns.log');
  assert.equal(safeFileName('<img src=x onerror=alert(1)>.exe'), '_img_src_x_onerror_alert_1__.exe');
  assert.equal(safeFileName('.hidden'), '_hidden');
  assert.equal(safeFileName('-rf'), '_rf');
  assert.equal(safeFileName('..'), 'upload');
  assert.equal(safeFileName(''), 'upload');
  assert.equal(safeFileName('x'.repeat(500)).length, 120);
});
