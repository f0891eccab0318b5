/**
 * IndicatorIndex.mayMatchBytes, the byte-level pre-filter a reader asks before
 * it builds an observation: it must never reject a value that `match` would
 * accept (whatever the case, trailing dot, IDN or punycode, white space,
 * address family), and for plain ASCII names and dotted quads it must be
 * exact, judged against a naive reference.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIPv4, normalizeDomain, parseIPv4 } from '../core/normalize.js';
import type { ObservedKind } from '../core/model.js';
import { IndicatorIndex, type IndexEntry } from './index.js';

const SEED = 20261201;
const RUNS = 300;

/** Asks the filter about `value` as UTF-8 bytes placed at an offset inside other bytes (so offsets are exercised). */
function mayMatch(ix: IndicatorIndex, kind: ObservedKind, value: string, pad: number): boolean {
  const v = Buffer.from(value, 'utf8');
  const b = Buffer.concat([Buffer.alloc(pad, 0x2e), v, Buffer.from('\tX.')]);
  return ix.mayMatchBytes(kind, b, pad, pad + v.length);
}

function matches(ix: IndicatorIndex, kind: ObservedKind, value: string): boolean {
  return ix.match(kind, value, []) > 0;
}

// Labels that often collide, in several cases and scripts: `ü` and its punycode `xn--tda` are the same label.
const label = fc.constantFrom('a', 'b', 'ab', 'x-y', 'x_y', 'com', 'net', 'A', 'Ab', 'NET', 'ü', 'Ü', 'xn--tda', '0', '-a', 'a-');
const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.'));
/** An observed name as logs write it: any case, maybe a trailing dot, maybe white space or junk around it. */
const observedName = fc.tuple(name, fc.constantFrom('', '.', '..', ' ', '\u00a0', '*', '\\x41')).map(([n, tail]) => n + tail);

test('property: mayMatchBytes never rejects a domain that match accepts, and is exact on plain ASCII names', () => {
  fc.assert(fc.property(fc.array(name, { maxLength: 12 }), fc.array(fc.tuple(observedName, fc.nat(3)), { maxLength: 25 }), (set, queries) => {
    const entries: IndexEntry[] = set.map((value, i) => ({ id: i, type: 'domain', value }));
    const ix = IndicatorIndex.build(entries);
    const indicators = set.map(normalizeDomain).filter((d): d is string => d !== null);
    for (const [q, pad] of queries) {
      const maybe = mayMatch(ix, 'domain', q, pad);
      if (matches(ix, 'domain', q)) assert.equal(maybe, true, `${JSON.stringify(q)} matches ${JSON.stringify(set)} but was filtered out`);
      const n = normalizeDomain(q);
      if (n !== null && /^[A-Za-z0-9._-]+$/.test(q)) {
        const want = indicators.some((d) => n === d || n.endsWith('.' + d));
        assert.equal(maybe, want, `${JSON.stringify(q)} against ${JSON.stringify(set)}`);
      }
    }
  }), { seed: SEED, numRuns: RUNS });
});

test('property: mayMatchBytes never rejects an address that match accepts, and is exact on dotted quads', () => {
  const v4 = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0x0a000000, max: 0x0a0000ff }));
  const group = fc.integer({ min: 0, max: 0xffff }).map((g) => g.toString(16));
  const v6 = fc.array(group, { minLength: 8, maxLength: 8 }).map((g) => g.join(':'));
  const entry = fc.oneof(
    v4.map((a): [IndexEntry['type'], string] => ['ipv4', formatIPv4(a)]),
    fc.tuple(v4, fc.integer({ min: 8, max: 31 })).map(([a, len]): [IndexEntry['type'], string] => ['cidr', `${formatIPv4(a)}/${len}`]),
    v6.map((a): [IndexEntry['type'], string] => ['ipv6', a]),
    fc.constantFrom<[IndexEntry['type'], string]>(['cidr', '2001:db8::/32'], ['ipv4', '10.0.0.1']),
  );
  const observed = fc.oneof(
    v4.map(formatIPv4),
    v4.map((a) => `::ffff:${formatIPv4(a)}`),
    v4.map((a) => `::FFFF:${((a >>> 16) & 0xffff).toString(16)}:${(a & 0xffff).toString(16)}`),
    v4.map((a) => ` ${formatIPv4(a)}\t`),
    v4.map((a) => formatIPv4(a).replace(/^(\d)\./, '0$1.')),
    v6,
    v6.map((a) => a.toUpperCase()),
    fc.constantFrom('2001:db8::1', '2001:DB8:0:0:0:0:0:1', '::1', '10.0.0.1', '010.0.0.1', '10.0.0.256', '10.0.0', '1.2.3.4.5', ':', ''),
  );
  fc.assert(fc.property(fc.array(entry, { maxLength: 12 }), fc.array(fc.tuple(observed, fc.nat(3)), { maxLength: 25 }), (set, queries) => {
    const ix = IndicatorIndex.build(set.map(([type, value], id) => ({ id, type, value })));
    for (const [q, pad] of queries) {
      const maybe = mayMatch(ix, 'ip', q, pad);
      const hit = matches(ix, 'ip', q);
      if (hit) assert.equal(maybe, true, `${JSON.stringify(q)} matches ${JSON.stringify(set)} but was filtered out`);
      if (parseIPv4(q) !== null) assert.equal(maybe, hit, `${JSON.stringify(q)} against ${JSON.stringify(set)}`);
    }
  }), { seed: SEED, numRuns: RUNS });
});

test('mayMatchBytes: kinds without indicators are rejected, other kinds pass to match', () => {
  const empty = IndicatorIndex.build([]);
  const b = Buffer.from('www.example.net');
  for (const kind of ['domain', 'ip', 'url', 'hash', 'filename', 'email'] as const) assert.equal(empty.mayMatchBytes(kind, b, 0, b.length), false, kind);
  const ix = IndicatorIndex.build([
    { id: 1, type: 'url', value: 'http://example.net/a' }, { id: 2, type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' },
    { id: 3, type: 'filename', value: 'netmgr.exe' }, { id: 4, type: 'email', value: 'a@example.net' },
    { id: 5, type: 'domain', value: 'example.net' }, { id: 6, type: 'ipv4', value: '192.0.2.1' },
  ]);
  for (const kind of ['url', 'hash', 'filename', 'email'] as const) assert.equal(ix.mayMatchBytes(kind, b, 0, b.length), true, kind);
  const cases: [ObservedKind, string, boolean][] = [
    ['domain', 'WWW.Example.NET.', true], ['domain', 'example.net', true], ['domain', 'badexample.net', false],
    ['domain', 'example.net.evil.com', false], ['domain', 'net', false], ['domain', '', false], ['domain', '.', false],
    ['ip', '192.0.2.1', true], ['ip', '192.0.2.2', false], ['ip', '::ffff:192.0.2.1', true], ['ip', '2001:db8::1', false],
  ];
  for (const [kind, value, want] of cases) {
    const v = Buffer.from(value);
    assert.equal(ix.mayMatchBytes(kind, v, 0, v.length), want, `${kind} ${value}`);
  }
});

test('IPv4 networks of any length: the /20 blocks a network covers let its addresses through, and no others', () => {
  const ask = (ix: IndicatorIndex, v: string) => mayMatch(ix, 'ip', v, 3);
  const wide = IndicatorIndex.build([{ id: 1, type: 'cidr', value: '0.0.0.0/0' }]);
  for (const v of ['0.0.0.0', '128.0.0.1', '255.255.255.255']) assert.equal(ask(wide, v), true, v);
  const ix = IndicatorIndex.build([
    { id: 1, type: 'cidr', value: '10.16.0.0/12' }, { id: 2, type: 'cidr', value: '192.0.2.128/25' }, { id: 3, type: 'ipv4', value: '198.51.100.7' },
    { id: 4, type: 'cidr', value: '203.0.112.0/20' }, { id: 5, type: 'ipv4', value: '198.51.100.7' },
  ]);
  const cases: [string, boolean][] = [
    ['10.16.0.0', true], ['10.31.255.255', true], ['10.15.255.255', false], ['10.32.0.0', false],
    ['192.0.2.128', true], ['192.0.2.255', true], ['192.0.2.127', false], ['192.0.3.1', false],
    ['198.51.100.7', true], ['198.51.100.8', false], ['198.51.96.1', false],
    ['203.0.112.0', true], ['203.0.127.255', true], ['203.0.111.255', false], ['203.0.128.0', false],
  ];
  for (const [v, want] of cases) {
    assert.equal(ask(ix, v), want, v);
    assert.equal(ix.mayMatchIPv4(parseIPv4(v)!), want, v);
    assert.equal(matches(ix, 'ip', v), want, v);
  }
});
