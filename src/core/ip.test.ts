import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import fc from 'fast-check';
import {
  canonicalIPv6, formatIPv4, formatIPv6, isIPv4Bytes, normalizeIp, parseIPv4, parseIPv4At, parseIPv4Bytes, parseIPv6, parseIPv6At,
} from './ip.js';

const latin1 = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/** Address-like soup: the pieces every grammar rule turns on. */
const V4_PIECES = ['0', '1', '9', '00', '01', '10', '25', '99', '199', '249', '255', '256', '300', '1000', '.', '.', '.', '-', ' ', 'a', '٣'];
const V6_PIECES = [
  '::', ':', ':', ':', '0', '1', 'a', 'F', 'ff', 'fFfF', '0000', '00000', '12345', 'g', '.', '1.2.3.4', '255.255.255.255',
  '01.2.3.4', '256', ' ', '%', '%eth0', '[', ']',
];
const soup = (pieces: string[], max: number) => fc.array(fc.constantFrom(...pieces), { maxLength: max }).map((a) => a.join(''));
/** Three to five octet-like pieces joined by dots, sometimes with a stray character: near misses and hits alike. */
const V4_OCTETS = ['0', '1', '9', '00', '01', '10', '25', '99', '199', '249', '250', '255', '256', '260', '300', '1000', '', 'a', ' 1'];
const dottedSoup = fc.array(fc.constantFrom(...V4_OCTETS), { minLength: 3, maxLength: 5 }).map((a) => a.join('.'));

test('IPv4: exactly the strings net.isIPv4 accepts; string, range and byte scanners agree', () => {
  fc.assert(fc.property(fc.oneof(dottedSoup, soup(V4_PIECES, 10), fc.string({ maxLength: 18 })), (s) => {
    const n = parseIPv4(s);
    assert.equal(n !== null, net.isIPv4(s), JSON.stringify(s));
    assert.equal(parseIPv4At(s, 0, s.length), n ?? -1);
    assert.equal(parseIPv4At(`x${s}y`, 1, s.length + 1), n ?? -1);
    // Bytes are latin1: a string with wider characters has no byte form to compare.
    if (!/[^\x00-\xff]/.test(s)) {
      assert.equal(parseIPv4Bytes(latin1(`  ${s}`), 2, s.length + 2), n ?? -1, JSON.stringify(s));
      assert.equal(isIPv4Bytes(latin1(s), 0, s.length), n !== null);
    }
  }), { seed: 11, numRuns: 20000 });
});

test('IPv4: every address, as Node reads it', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
    const s = formatIPv4(n);
    assert.ok(net.isIPv4(s));
    assert.equal(parseIPv4(s), n);
    const bl = new net.BlockList();
    bl.addAddress(s, 'ipv4');
    assert.ok(bl.check(formatIPv4(parseIPv4(s)!), 'ipv4'));
  }), { seed: 12, numRuns: 2000 });
});

test('IPv4: the edges of the grammar', () => {
  const cases: [string, number | null][] = [
    ['0.0.0.0', 0], ['255.255.255.255', 0xffffffff], ['10.0.0.1', 0x0a000001], ['192.0.2.1', 0xc0000201],
    ['256.1.1.1', null], ['01.1.1.1', null], ['1.1.1.00', null], ['0x1.1.1.1', null], ['1.1.1', null], ['1.1.1.1.', null],
    ['.1.1.1.1', null], ['1..1.1', null], ['1.1.1.1 ', null], [' 1.1.1.1', null], ['1.1.1.1/32', null], ['1.1.1.0255', null],
    ['１.1.1.1', null], ['', null],
  ];
  for (const [s, want] of cases) {
    assert.equal(parseIPv4(s), want, s);
    assert.equal(parseIPv4Bytes(Buffer.from(s), 0, Buffer.byteLength(s)), want ?? -1, s);
  }
});

test('IPv6: without a zone, exactly the strings net.isIPv6 accepts', () => {
  fc.assert(fc.property(soup(V6_PIECES.filter((p) => !p.includes('%') && !/[[\]]/.test(p)), 14), (s) => {
    assert.equal(parseIPv6(s) !== null, net.isIPv6(s), JSON.stringify(s));
  }), { seed: 13, numRuns: 30000 });
});

/** One address written in one of the many ways RFC 4291 allows: groups with or without leading zeros, any case, `::` anywhere a zero run is, an IPv4 tail. */
const writtenV6 = fc.record({
  groups: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }),
  pad: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  upper: fc.boolean(),
  v4Tail: fc.boolean(),
  gapPick: fc.nat(),
}).map(({ groups, pad, upper, v4Tail, gapPick }) => {
  const text = groups.map((g, i) => (pad[i] ? g.toString(16).padStart(4, '0') : g.toString(16)));
  if (v4Tail) text.splice(6, 2, formatIPv4(((groups[6]! << 16) | groups[7]!) >>> 0));
  const zeroRuns: [number, number][] = [];
  for (let i = 0; i < text.length; i++) {
    for (let j = i; j < text.length && groups[j] === 0 && (!v4Tail || j < 6); j++) zeroRuns.push([i, j + 1]);
  }
  let s = text.join(':');
  if (zeroRuns.length > 0 && gapPick % 3 !== 0) {
    const [a, b] = zeroRuns[gapPick % zeroRuns.length]!;
    s = `${text.slice(0, a).join(':')}::${text.slice(b).join(':')}`;
  }
  return { groups, s: upper ? s.toUpperCase() : s };
});

test('IPv6: every way of writing an address reads as its groups, and Node agrees it is that address', () => {
  fc.assert(fc.property(writtenV6, ({ groups, s }) => {
    assert.ok(net.isIPv6(s), s);
    assert.deepEqual(parseIPv6(s), groups, s);
    assert.deepEqual(parseIPv6(`[${s}]`), groups);
    assert.deepEqual(parseIPv6(`${s}%eth0`), groups);
    const bl = new net.BlockList();
    bl.addAddress(s, 'ipv6');
    assert.ok(bl.check(formatIPv6(groups), 'ipv6'), s);
    const out = new Uint16Array(8);
    assert.ok(parseIPv6At(`<${s}>`, 1, s.length + 1, out));
    assert.deepEqual(Array.from(out), groups);
  }), { seed: 14, numRuns: 3000 });
});

test('IPv6: zones are RFC 6874 unreserved characters, and dropped; brackets only around the whole', () => {
  const cases: [string, string | null][] = [
    ['fe80::1%eth0', 'fe80::1'], ['fe80::1%12', 'fe80::1'], ['fe80::1%en0.100_a~b-c', 'fe80::1'], ['[fe80::1%eth0]', 'fe80::1'],
    ['::ffff:192.0.2.1%x', '::ffff:192.0.2.1'], ['[2001:DB8::1]', '2001:db8::1'],
    // Decided: no empty zone and no `%` or `:` inside one (Node 20 takes `:`; RFC 6874 does not).
    ['fe80::1%', null], ['fe80::1%%', null], ['fe80::1%a%b', null], ['fe80::1%a:b', null], ['fe80::1%eth 0', null],
    ['[fe80::1', null], ['fe80::1]', null], ['[[::1]]', null], ['1.2.3.4%x', null], ['%eth0', null],
  ];
  for (const [s, want] of cases) assert.equal(canonicalIPv6(s), want, s);
});

test('IPv6: the edges of the grammar', () => {
  const cases: [string, string | null][] = [
    ['::', '::'], ['::1', '::1'], ['1::', '1::'], ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'], ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['::1.2.3.4', '::102:304'], ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['1::2:3:4:5:6:7:8', null], ['1:2:3:4:5:6:7:8:9', null], ['1::2::3', null], [':::', null], [':1::', null], ['1:', null],
    ['1::2:', null], [':', null], ['12345::', null], ['1:2:3:4:5:6:7:1.2.3.4', null], ['1::2:3:4:5:6:1.2.3.4', null],
    ['::1.2.3', null], ['::01.2.3.4', null], ['::1.2.3.4:5', null], ['1.2.3.4::', null], ['::g', null], ['', null],
  ];
  for (const [s, want] of cases) assert.equal(canonicalIPv6(s), want, s);
});

test('normalizeIp: family and canonical text, white space around ignored', () => {
  assert.deepEqual(normalizeIp(' 192.0.2.1\t'), { family: 4, value: '192.0.2.1' });
  assert.deepEqual(normalizeIp('2001:DB8:0:0::1'), { family: 6, value: '2001:db8::1' });
  assert.equal(normalizeIp('192.0.2.256'), null);
  assert.equal(normalizeIp('1.2.3.4:80'), null);
});

/** Runs Python's ipaddress over addresses; null when python3 is absent. */
function pythonCanonical(addresses: string[]): string[] | null {
  const script = [
    'import ipaddress, json, sys',
    'out = []',
    'for s in json.load(sys.stdin):',
    '    a = ipaddress.IPv6Address(s)',
    // RFC 5952 §5 writes an IPv4-mapped address with a dotted tail; Python before 3.13 does not.
    "    out.append('::ffff:' + str(a.ipv4_mapped) if a.ipv4_mapped is not None else a.compressed)",
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(addresses), encoding: 'utf8' });
  if (r.error) return null;
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string[];
}

const HAS_PYTHON = !spawnSync('python3', ['--version']).error;

test('IPv6 canonical form (RFC 5952) agrees with Python ipaddress', { skip: HAS_PYTHON ? false : 'python3 is not installed' }, () => {
  const samples = fc.sample(writtenV6, { seed: 15, numRuns: 3000 }).map((w) => w.s);
  samples.push('::ffff:1.2.3.4', '::ffff:0:0', '0:0:0:0:0:ffff:c000:0201', '1:0:0:1:0:0:0:1', '1:0:0:2:0:0:3:4', '0:1:0:0:0:0:0:0', '0:0:0:0:0:0:0:1');
  const want = pythonCanonical(samples);
  assert.ok(want !== null);
  for (let i = 0; i < samples.length; i++) assert.equal(canonicalIPv6(samples[i]!), want[i], samples[i]);
});

test('parsers never throw and format/parse round-trips', () => {
  fc.assert(fc.property(fc.string({ maxLength: 60 }), (s) => {
    parseIPv6(s);
    parseIPv4(s);
    normalizeIp(s);
  }), { seed: 16, numRuns: 5000 });
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (g) => {
    assert.deepEqual(parseIPv6(formatIPv6(g)), g);
  }), { seed: 17, numRuns: 2000 });
});
