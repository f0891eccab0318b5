import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ObservedKind } from '../core/model.js';
import {
  IndicatorIndex, encodeIndexFile, indexFromFile, parseIndexHeader, type IndexEntry,
} from './index.js';

const SEED = 20240612;
const RUNS = 150;

/** The file as one byte array (what a reader gets back from the disk). */
function fileBytes(ix: IndicatorIndex, meta: unknown = { k: 1 }): Uint8Array {
  const enc = encodeIndexFile(ix, meta);
  const parts = [enc.head, ...enc.body];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Decodes a whole file the way hunt/index-cache.ts does: header, then one SharedArrayBuffer per buffer; null (with reason) when refused. */
function load(bytes: Uint8Array): { ix: IndicatorIndex; meta: unknown } | string {
  const h = parseIndexHeader(bytes);
  if (!h.ok) return h.reason;
  if (h.value.fileBytes !== bytes.length) return 'length';
  const bufs: SharedArrayBuffer[] = [];
  let at = h.value.bodyOffset;
  for (const n of h.value.buffers) {
    const sab = new SharedArrayBuffer(n);
    new Uint8Array(sab).set(bytes.subarray(at, at + n));
    bufs.push(sab);
    at += n;
  }
  const ix = indexFromFile(h.value, bufs);
  return ix.ok ? { ix: ix.value, meta: h.value.meta } : ix.reason;
}

function answers(ix: IndicatorIndex, queries: readonly [ObservedKind, string][]): number[][] {
  return queries.map(([k, v]) => {
    const out: number[] = [];
    ix.match(k, v, out);
    return out.sort((a, b) => a - b);
  });
}

const ENTRIES: IndexEntry[] = [
  { id: 1, type: 'domain', value: 'example.net' }, { id: 2, type: 'ipv4', value: '192.0.2.1' },
  { id: 3, type: 'cidr', value: '2001:db8::/32' }, { id: 4, type: 'url', value: 'http://example.net/dir/' },
  { id: 5, type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' }, { id: 6, type: 'filename', value: 'netmgr.exe' },
  { id: 7, type: 'email', value: 'bad@example.net' }, { id: 8, type: 'domain', value: 'not a domain' },
];

// Small alphabets, so random queries often hit random indicators.
const label = fc.constantFrom('a', 'b', 'ab', 'com', 'net', 'Ü', '0');
const domain = fc.array(label, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.'));
const octet = fc.constantFrom(0, 1, 2, 255);
const v4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const hex = (n: number) => fc.array(fc.constantFrom('0', 'a', 'F'), { minLength: n, maxLength: n }).map((c) => c.join(''));
const path = fc.array(fc.constantFrom('x', 'y', 'gate.php', ''), { maxLength: 3 }).map((p) => '/' + p.join('/'));
const url = fc.tuple(domain, path, fc.constantFrom('', '?a=1')).map(([d, p, q]) => `http://${d}${p}${q}`);
const entryValue: fc.Arbitrary<[IndexEntry['type'], string]> = fc.oneof(
  domain.map((v) => ['domain', v] as [IndexEntry['type'], string]),
  v4.map((v) => ['ipv4', v] as [IndexEntry['type'], string]),
  fc.tuple(v4, fc.integer({ min: 0, max: 32 })).map(([a, l]) => ['cidr', `${a}/${l}`] as [IndexEntry['type'], string]),
  fc.constantFrom('2001:db8::1', '::1', '2001:db8::/32', 'fe80::/10').map((v) => [v.includes('/') ? 'cidr' : 'ipv6', v] as [IndexEntry['type'], string]),
  url.map((v) => ['url', v] as [IndexEntry['type'], string]),
  hex(32).map((v) => ['md5', v] as [IndexEntry['type'], string]),
  hex(40).map((v) => ['sha1', v] as [IndexEntry['type'], string]),
  hex(64).map((v) => ['sha256', v] as [IndexEntry['type'], string]),
  fc.constantFrom('a.exe', 'B.EXE', 'x y.dll').map((v) => ['filename', v] as [IndexEntry['type'], string]),
  fc.tuple(fc.constantFrom('a', 'B'), domain).map(([l, d]) => ['email', `${l}@${d}`] as [IndexEntry['type'], string]),
  fc.constantFrom('yara', 'domain').map((t) => [t, 'bad value!'] as [IndexEntry['type'], string]),
);
const query: fc.Arbitrary<[ObservedKind, string]> = fc.oneof(
  domain.map((v) => ['domain', `x.${v}`] as [ObservedKind, string]),
  domain.map((v) => ['domain', v] as [ObservedKind, string]),
  v4.map((v) => ['ip', v] as [ObservedKind, string]),
  v4.map((v) => ['ip', `::ffff:${v}`] as [ObservedKind, string]),
  fc.constantFrom('2001:db8::1', '2001:db8:5::9', 'fe80::1').map((v) => ['ip', v] as [ObservedKind, string]),
  url.map((v) => ['url', v] as [ObservedKind, string]),
  fc.oneof(hex(32), hex(40), hex(64)).map((v) => ['hash', v] as [ObservedKind, string]),
  fc.constantFrom('C:\\x\\A.exe', '/tmp/b.exe', 'x y.dll').map((v) => ['filename', v] as [ObservedKind, string]),
  fc.tuple(fc.constantFrom('A', 'b'), domain).map(([l, d]) => ['email', `${l}@${d}`] as [ObservedKind, string]),
);

test('property: a saved and loaded index answers every lookup as the built one', () => {
  fc.assert(fc.property(fc.array(entryValue, { maxLength: 40 }), fc.array(query, { maxLength: 40 }), (values, queries) => {
    const entries: IndexEntry[] = values.map(([type, value], i) => ({ id: i * 7 + 3, type, value }));
    const built = IndicatorIndex.build(entries);
    // Every indicator's own value is also asked, so each kind is hit, not only missed.
    const own: [ObservedKind, string][] = entries.flatMap((e): [ObservedKind, string][] => {
      const kind: ObservedKind | null = e.type === 'domain' ? 'domain' : e.type === 'url' ? 'url' : e.type === 'filename' ? 'filename'
        : e.type === 'email' ? 'email' : e.type === 'ipv4' || e.type === 'ipv6' ? 'ip' : e.type.startsWith('sha') || e.type === 'md5' ? 'hash' : null;
      return kind === null ? [] : [[kind, e.value]];
    });
    const loaded = load(fileBytes(built, { n: entries.length }));
    assert.notEqual(typeof loaded, 'string', String(loaded));
    const l = loaded as { ix: IndicatorIndex; meta: unknown };
    assert.deepEqual(l.meta, { n: entries.length });
    assert.equal(l.ix.size, built.size);
    assert.equal(l.ix.skipped, built.skipped);
    const all = [...queries, ...own];
    assert.deepEqual(answers(l.ix, all), answers(built, all));
  }), { seed: SEED, numRuns: RUNS });
});

test('a loaded index answers the known queries (expected ids written by hand)', () => {
  const l = load(fileBytes(IndicatorIndex.build(ENTRIES)));
  assert.notEqual(typeof l, 'string');
  const ix = (l as { ix: IndicatorIndex }).ix;
  assert.equal(ix.size, 7);
  assert.equal(ix.skipped, 1);
  assert.deepEqual(answers(ix, [
    ['domain', 'a.EXAMPLE.net.'], ['ip', '192.0.2.1'], ['ip', '2001:db8:1::5'], ['url', 'http://example.net/dir/x?y'],
    ['hash', 'D41D8CD98F00B204E9800998ECF8427E'], ['filename', 'C:\\W\\NetMgr.exe'], ['email', 'BAD@example.net'], ['domain', 'example.org'],
  ]), [[1], [2], [3], [4], [5], [6], [7], []]);
});

test('a damaged file is refused, whatever byte is wrong', () => {
  const good = fileBytes(IndicatorIndex.build(ENTRIES));
  const hdrLen = new DataView(good.buffer).getUint32(12, true);
  const bodyAt = 48 + hdrLen;
  const flip = (at: number) => { const b = good.slice(); b[at]! ^= 0x01; return load(b); };
  assert.equal(flip(0), 'not an index file (magic)');
  assert.equal(flip(8), 'index file version 3, this code reads 2');
  // The length's lowest bit: a header one byte shorter or longer than written.
  assert.equal(flip(12), 'header checksum mismatch');
  const huge = good.slice();
  huge[15] = 0x7f;
  assert.match(String(load(huge)), /^header length \d+ out of range$/);
  assert.equal(flip(20), 'header checksum mismatch');
  assert.equal(flip(48 + 5), 'header checksum mismatch');
  assert.equal(flip(bodyAt), 'body checksum mismatch');
  assert.equal(flip(good.length - 1), 'body checksum mismatch');
  assert.equal(load(good.subarray(0, 30)), 'shorter than an index file\'s prefix');
  assert.equal(load(good.subarray(0, bodyAt - 1)), 'header truncated');
  assert.equal(load(good.subarray(0, good.length - 1)), 'length');
  // A file written before string tables' tags were never 0 in a full slot (version 1) would miss entries: refused.
  const v1 = good.slice();
  new DataView(v1.buffer).setUint32(8, 1, true);
  assert.equal(load(v1), 'index file version 1, this code reads 2');
});
