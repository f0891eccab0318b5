import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineSplitter } from './line-splitter.js';

function split(chunks: Buffer[], max = 1 << 20): string[] {
  const out: string[] = [];
  const s = new LineSplitter({
    line: (b, n) => out.push(`${n}:${b.toString('latin1')}`),
    overlong: (n, bytes) => out.push(`${n}:overlong ${bytes}`),
  }, max);
  for (const c of chunks) s.push(c);
  s.end();
  return out;
}

test('lines across chunk boundaries, CRLF kept for the reader, last line without terminator', () => {
  assert.deepEqual(split([Buffer.from('ab\ncd'), Buffer.from('ef\r\n\ngh')]), ['1:ab', '2:cdef\r', '3:', '4:gh']);
});

test('overlong lines are dropped and reported with their length', () => {
  assert.deepEqual(split([Buffer.from('123456\nab\n1234'), Buffer.from('5678\nx')], 5), ['1:overlong 6', '2:ab', '3:overlong 8', '4:x']);
  assert.deepEqual(split([Buffer.from('1234'), Buffer.from('5678'), Buffer.from('9')], 5), ['1:overlong 9']);
});

test('any chunking gives the same lines as one chunk', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), fc.array(fc.nat({ max: 200 }), { maxLength: 10 }), (text, cuts) => {
    const buf = Buffer.from(text, 'latin1');
    const points = [...new Set(cuts.map((c) => Math.min(c, buf.length)))].sort((a, b) => a - b);
    const chunks: Buffer[] = [];
    let prev = 0;
    for (const p of points) { chunks.push(buf.subarray(prev, p)); prev = p; }
    chunks.push(buf.subarray(prev));
    assert.deepEqual(split(chunks, 16), split([buf], 16));
  }), { seed: 3, numRuns: 500 });
});
