import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatIPv4, normalizeDomain, normalizeFilename, normalizeUrl,
} from '../core/normalize.js';
import { IndicatorIndex, type IndexEntry } from './index.js';
import { writeDomain, writeFilename } from './observed-values.js';

const SEED = 20240611;
const RUNS = 300;
const decoder = new TextDecoder();

function matchSorted(ix: IndicatorIndex, kind: Parameters<IndicatorIndex['match']>[0], value: string): number[] {
  const out: number[] = [];
  ix.match(kind, value, out);
  return out.sort((a, b) => a - b);
}

// Few, short labels so that random names often share suffixes with random indicators.
const label = fc.constantFrom('a', 'b', 'ab', 'ba', 'x-y', 'com', 'net', 'A', 'Ab', 'ü', '0');
const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.'));

test('property: domain match agrees with a naive suffix reference', () => {
  fc.assert(fc.property(fc.array(name, { maxLength: 12 }), fc.array(fc.tuple(name, fc.boolean()), { maxLength: 20 }), (set, queries) => {
    const entries: IndexEntry[] = set.map((value, i) => ({ id: i, type: 'domain', value }));
    const ix = IndicatorIndex.build(entries);
    for (const [q, dot] of queries) {
      const observed = dot ? q + '.' : q;
      const n = normalizeDomain(observed);
      const want = n === null ? [] : entries.flatMap((e) => {
        const d = normalizeDomain(e.value);
        return d !== null && (n === d || n.endsWith('.' + d)) ? [e.id] : [];
      });
      assert.deepEqual(matchSorted(ix, 'domain', observed), want, `${observed} in ${JSON.stringify(set)}`);
    }
  }), { seed: SEED, numRuns: RUNS });
});

test('property: IPv4 CIDR match agrees with a naive mask reference', () => {
  // Addresses from a small space plus edges, so hits, edges and overlaps are common.
  const addr = fc.oneof(
    fc.integer({ min: 0, max: 0xffffffff }),
    fc.integer({ min: 0x0a000000, max: 0x0a0003ff }),
    fc.constantFrom(0, 0xffffffff, 0x0a000000, 0x0a0000ff, 0x0a000100, 0x09ffffff),
  );
  const cidr = fc.tuple(addr, fc.integer({ min: 0, max: 32 }));
  fc.assert(fc.property(fc.array(cidr, { maxLength: 15 }), fc.array(addr, { maxLength: 25 }), (cidrs, queries) => {
    const mask = (len: number): number => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);
    const entries: IndexEntry[] = cidrs.map(([a, len], i) => ({
      id: i, type: len === 32 ? 'ipv4' : 'cidr', value: len === 32 ? formatIPv4(a) : `${formatIPv4((a & mask(len)) >>> 0)}/${len}`,
    }));
    const ix = IndicatorIndex.build(entries);
    for (const q of queries) {
      const want = cidrs.flatMap(([a, len], i) => (((q & mask(len)) >>> 0) === ((a & mask(len)) >>> 0) ? [i] : []));
      assert.deepEqual(matchSorted(ix, 'ip', formatIPv4(q)), want);
      assert.deepEqual(matchSorted(ix, 'ip', `::ffff:${formatIPv4(q)}`), want);
    }
  }), { seed: SEED, numRuns: RUNS });
});

test('property: URL match agrees with the three rules applied naively', () => {
  const seg = fc.constantFrom('a', 'b', 'a.php', '', 'B');
  const path = fc.array(seg, { maxLength: 3 }).map((s) => '/' + s.join('/'));
  const query = fc.option(fc.constantFrom('?x=1', '?', '?y=/a/'), { nil: '' });
  const url = fc.tuple(fc.constantFrom('http://h.example', 'HTTP://H.example:80', 'https://h.example', 'http://h.example:8080'), path, query)
    .map(([base, p, q]) => base + p + q);
  fc.assert(fc.property(fc.array(url, { maxLength: 10 }), fc.array(url, { maxLength: 20 }), (set, queries) => {
    const norm = set.map((u) => normalizeUrl(u)!);
    const ix = IndicatorIndex.build(norm.map((value, id) => ({ id, type: 'url', value })));
    for (const q of queries) {
      const r = normalizeUrl(q)!;
      const noQuery = r.indexOf('?') >= 0 ? r.slice(0, r.indexOf('?')) : r;
      const want = norm.flatMap((u, i) => {
        const hit = u.endsWith('/') ? r.startsWith(u) : u === r || (u.indexOf('?') < 0 && u === noQuery);
        return hit ? [i] : [];
      });
      assert.deepEqual(matchSorted(ix, 'url', q), want, `${q} in ${JSON.stringify(norm)}`);
    }
  }), { seed: SEED, numRuns: RUNS });
});

test('property: the allocation-free observed-value writers agree with core normalize', () => {
  const buf = new Uint8Array(1024);
  const domainish = fc.string({ unit: fc.constantFrom('a', 'Z', '.', '-', '_', '0', ' ', 'ü', '*', '\t'), maxLength: 20 });
  fc.assert(fc.property(domainish, (s) => {
    const n = writeDomain(s, buf);
    assert.equal(n < 0 ? null : decoder.decode(buf.subarray(0, n)), normalizeDomain(s), JSON.stringify(s));
  }), { seed: SEED, numRuns: 3000 });
  const pathish = fc.string({ unit: fc.constantFrom('a', 'Z', '.', '/', '\\', ' ', 'Ü', '\u0001', '\u00a0', 'ß'), maxLength: 20 });
  fc.assert(fc.property(pathish, (s) => {
    const n = writeFilename(s, buf);
    assert.equal(n < 0 ? null : decoder.decode(buf.subarray(0, n)), normalizeFilename(s), JSON.stringify(s));
  }), { seed: SEED, numRuns: 3000 });
});

test('property: match never throws and pushes only known ids on hostile input', () => {
  const ix = IndicatorIndex.build([
    { id: 1, type: 'domain', value: 'example.net' }, { id: 2, type: 'cidr', value: '::/0' }, { id: 3, type: 'cidr', value: '0.0.0.0/0' },
    { id: 4, type: 'url', value: 'http://example.net/' }, { id: 5, type: 'filename', value: 'a.exe' },
    { id: 6, type: 'email', value: 'a@example.net' }, { id: 7, type: 'md5', value: '0'.repeat(32) },
  ]);
  const kind = fc.constantFrom('domain', 'ip', 'url', 'hash', 'filename', 'email' as const);
  fc.assert(fc.property(kind, fc.string({ maxLength: 300 }), (k, v) => {
    const out: number[] = [];
    const n = ix.match(k, v, out);
    assert.equal(n, out.length);
    for (const id of out) assert.ok(id >= 1 && id <= 7);
  }), { seed: SEED, numRuns: 5000 });
  const out: number[] = [];
  assert.equal(ix.match('url', 'http://example.net/' + 'é/'.repeat(40000), out), 1);
  assert.equal(ix.match('domain', 'a.'.repeat(200) + 'example.net', out), 0);
});
