import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ASN_CREDITS, defaultCacheDir, openAsn } from './asn.js';
import { MAX_ORG_BYTES, parseAsnCsvV4, parseAsnCsvV6, type AsnTable } from './asn-csv.js';
import { decodeAsnCache, encodeAsnCache } from './asn-cache.js';
import { parseAddress } from './address.js';

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-asn-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Expected values were read from the package's *text* CSVs, which the code
 * does not parse for IPv4 (it reads `asn-ipv4-num.csv`): e.g.
 * `grep -n '^103\.242\.4' asn-ipv4.csv` → `103.242.44.0,103.242.47.255,9934,Mongolia Telecom`.
 */
test('the shipped data: known ranges, their edges, quoting, IPv6, special addresses, gaps', async (t) => {
  const cacheDir = tmp(t);
  const asn = await openAsn({ cacheDir });
  const rec = (ip: string) => asn.lookup(ip);
  assert.deepEqual(rec('1.0.0.0'), { asn: 13335, organisation: 'Cloudflare, Inc.' }); // "Cloudflare, Inc." quoted for its comma
  assert.deepEqual(rec('1.0.0.255'), { asn: 13335, organisation: 'Cloudflare, Inc.' });
  assert.equal(rec('1.0.1.0'), null); // the gap before 1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd
  assert.deepEqual(rec('1.0.4.0'), { asn: 38803, organisation: 'Gtelecom Pty Ltd' });
  assert.deepEqual(rec('103.242.44.0'), { asn: 9934, organisation: 'Mongolia Telecom' });
  assert.deepEqual(rec('103.242.47.255'), { asn: 9934, organisation: 'Mongolia Telecom' });
  assert.deepEqual(rec('2.26.200.1'), { asn: 201907, organisation: 'LLC "SPUTNIK"' }); // "LLC ""SPUTNIK"""
  assert.deepEqual(rec('2.132.0.1'), { asn: 9198, organisation: 'JSC Kazakhtelecom' });
  assert.deepEqual(rec('31.29.0.1'), { asn: 12997, organisation: 'OJSC Kyrgyztelecom' });
  assert.deepEqual(rec('::ffff:103.242.44.1'), { asn: 9934, organisation: 'Mongolia Telecom' });
  // The one overlap in the data: 214.95.0.0–215.0.255.255 (749) and 215.0.0.0–215.1.3.255 (721).
  assert.deepEqual(rec('214.95.0.1'), { asn: 749, organisation: 'United States Department of Defense (DoD)' });
  assert.deepEqual(rec('215.0.0.1'), { asn: 721, organisation: 'DoD Network Information Center' });
  assert.equal(asn.info().ipv4?.clipped, 1);
  assert.equal(asn.info().ipv6, null, 'IPv6 is loaded only when asked');
  // IPv6, from asn-ipv6.csv.
  assert.deepEqual(rec('2001:200:1ba::1'), { asn: 24047, organisation: 'Internet Systems Consortium, Inc.' });
  assert.deepEqual(rec('2400:7480:ffff:ffff:ffff:ffff:ffff:ffff'), { asn: 9934, organisation: 'Mongolia Telecom' });
  assert.deepEqual(rec('[2400:7480::1]'), { asn: 9934, organisation: 'Mongolia Telecom' });
  for (const ip of ['10.0.0.1', '192.168.0.1', '127.0.0.1', '::1', 'fe80::1', '2001:db8::1', 'example.net', '', '1.2.3.4/8']) {
    assert.equal(rec(ip), null, ip);
  }
  assert.equal(rec('1.0.0.1'), rec('1.0.0.2'), 'one record object per organisation');
  const info = asn.info();
  assert.ok(info.ipv4 && info.ipv6);
  assert.equal(info.ipv4.skipped, 0);
  assert.equal(info.ipv6.skipped, 0);
  assert.ok(info.ipv4.ranges > 400_000 && info.ipv4.organisations > 80_000);
  assert.match(ASN_CREDITS, /RouteViews.*Number Resource Organization.*DB-IP.*CC BY 4\.0/s);
  assert.equal(asn.credits, ASN_CREDITS);

  // The second open reads the cache the first one wrote, and answers the same.
  const files = readdirSync(join(cacheDir)).sort();
  assert.equal(files.length, 2);
  assert.match(files[0]!, /^asn-ipv4-\d[\w.]*\.bin$/);
  const again = await openAsn({ cacheDir });
  assert.equal(again.info().ipv4?.from, 'cache');
  for (const ip of ['1.0.0.0', '2.26.200.1', '215.0.0.1', '214.95.0.1', '103.242.47.255', '2400:7480::1', '2001:200:1ba::1']) {
    assert.deepEqual(again.lookup(ip), asn.lookup(ip), ip);
  }
  assert.equal(again.info().ipv6?.from, 'cache');
});

test('parseAsnCsvV4: quoting, CRLF, no final newline, bad lines counted, first organisation per AS kept', () => {
  const csv = [
    '16777216,16777471,13335,"Cloudflare, Inc."',
    '16777472,16777472,1,"He said ""hi"""\r',
    '16777473,16777480,13335,Another name for 13335',
    'x,1,2,bad start',
    '5,4,2,end before start',
    '4294967296,4294967297,2,over 32 bits',
    '100,200,3',
    '100,200,3,"unterminated',
    '300,400,4,' + 'a'.repeat(MAX_ORG_BYTES + 1),
    '500,600,4294967296,asn over 32 bits',
    '',
    '700,800,5,"quoted" trailing',
    '900,950,6,"Ünïcödé ""Ltd"""',
    '4294967040,4294967295,7,Last',
  ].join('\n');
  const t = parseAsnCsvV4(Buffer.from(csv));
  assert.equal(t.skipped, 8);
  assert.equal(t.clipped, 0);
  assert.deepEqual(t.names, ['Cloudflare, Inc.', 'He said "hi"', 'Ünïcödé "Ltd"', 'Last']);
  assert.deepEqual([...t.asns], [13335, 1, 6, 7]);
  // Sorted by start (the input was not).
  assert.equal(t.count, 5);
  assert.deepEqual([...t.starts], [900, 16777216, 16777472, 16777473, 4294967040]);
  assert.deepEqual([...t.ends], [950, 16777471, 16777472, 16777480, 4294967295]);
  assert.deepEqual([...t.orgs], [2, 0, 1, 0, 3]);
});

test('parseAsnCsvV4: overlapping ranges are cut so the later-starting one wins where they overlap', () => {
  const t = parseAsnCsvV4(Buffer.from('10,100,1,A\n50,150,2,B\n150,150,3,C\n200,300,4,D\n210,220,5,E\n'));
  assert.equal(t.clipped, 3);
  assert.deepEqual([...t.starts], [10, 50, 150, 200, 210]);
  assert.deepEqual([...t.ends], [49, 149, 150, 209, 220]);
});

test('parseAsnCsvV6: text addresses through core/ip.ts; bad lines counted', () => {
  const csv = [
    '2001:200::,2001:200:1b9:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project',
    '2001:200:1ba::,2001:200:1ba:ffff:ffff:ffff:ffff:ffff,24047,"Internet Systems Consortium, Inc."',
    '2001:200:1bb::,2001:200:1ba::,1,end before start',
    '2001:zz::,2001:200::1,1,bad address',
    '2001:200::/32,2001:200::1,1,a CIDR is no address',
    '::ffff:1.2.3.4,::ffff:1.2.3.5,1,mapped: read as IPv6 words',
    'no commas here',
    '2c0f:fff0::,2c0f:fff0:ffff:ffff:ffff:ffff:ffff:ffff,37282,MAINONE',
  ].join('\r\n');
  const t = parseAsnCsvV6(Buffer.from(csv));
  assert.equal(t.skipped, 4);
  assert.equal(t.count, 4);
  assert.equal(t.words, 4);
  assert.deepEqual([...t.starts.subarray(0, 4)], [0, 0, 0xffff, 0x01020304]);
  assert.deepEqual([...t.starts.subarray(4, 8)], [0x20010200, 0, 0, 0]);
  assert.deepEqual([...t.ends.subarray(8, 12)], [0x20010200, 0x01baffff, 0xffffffff, 0xffffffff]);
  assert.deepEqual(t.names, ['WIDE Project', 'Internet Systems Consortium, Inc.', 'mapped: read as IPv6 words', 'MAINONE']);
});

/** A small data folder in the package's layout. */
function dataDir(root: string): string {
  const d = join(root, 'data');
  mkdirSync(d);
  writeFileSync(join(d, 'asn-ipv4-num.csv'), '16777216,16777471,13335,"Cloudflare, Inc."\n1743924224,1743925247,9934,Mongolia Telecom\n');
  writeFileSync(join(d, 'asn-ipv6.csv'), '2400:7480::,2400:7480:ffff:ffff:ffff:ffff:ffff:ffff,9934,Mongolia Telecom\n');
  return d;
}

test('ranges across the first-level index buckets (top 16 bits); lookupAddress takes a parsed address', async (t) => {
  const root = tmp(t);
  const d = join(root, 'data');
  mkdirSync(d);
  writeFileSync(join(d, 'asn-ipv4-num.csv'), [
    '16842496,16843007,1,Spans 1.0.255.0-1.1.0.255',
    '33554432,33554432,2,Exactly 2.0.0.0',
    '3758096128,3758096383,3,The last /24 before 224/4',
  ].join('\n'));
  writeFileSync(join(d, 'asn-ipv6.csv'), [
    '2400::,240f:ffff:ffff:ffff:ffff:ffff:ffff:ffff,4,Spans 2400::/12',
    '2410::,2410::,5,One address',
  ].join('\n'));
  const asn = await openAsn({ dataDir: d, cacheDir: null });
  const n = (ip: string) => asn.lookup(ip)?.asn ?? null;
  assert.deepEqual(['1.0.254.255', '1.0.255.0', '1.0.255.255', '1.1.0.0', '1.1.0.255', '1.1.1.0'].map(n), [null, 1, 1, 1, 1, null]);
  assert.deepEqual(['1.255.255.255', '2.0.0.0', '2.0.0.1'].map(n), [null, 2, null]);
  assert.deepEqual(['223.255.254.255', '223.255.255.0', '223.255.255.255'].map(n), [null, 3, 3]);
  assert.deepEqual(['23ff:ffff::1', '2400::', '2405::1', '240f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '2410::', '2410::1'].map(n), [null, 4, 4, 4, 5, null]);
  assert.deepEqual(asn.lookupAddress(parseAddress('2405::1')!), { asn: 4, organisation: 'Spans 2400::/12' });
  assert.deepEqual(asn.lookupAddress(parseAddress('::ffff:2.0.0.0')!), { asn: 2, organisation: 'Exactly 2.0.0.0' });
});

test('cache: written atomically on first open, read on the next, refused and rebuilt when damaged', async (t) => {
  const root = tmp(t);
  const data = dataDir(root);
  const cacheDir = join(root, 'cache', 'sightline');
  const first = await openAsn({ dataDir: data, cacheDir });
  assert.equal(first.info().ipv4?.from, 'csv');
  assert.equal(first.info().ipv4?.cacheMiss, 'ENOENT');
  assert.equal(first.info().ipv4?.cacheWriteError, null);
  assert.deepEqual(first.lookup('103.242.44.1'), { asn: 9934, organisation: 'Mongolia Telecom' });
  assert.deepEqual(first.lookup('2400:7480::9'), { asn: 9934, organisation: 'Mongolia Telecom' });
  const v4 = join(cacheDir, 'asn-ipv4-local.bin');
  assert.deepEqual(readdirSync(cacheDir).sort(), ['asn-ipv4-local.bin', 'asn-ipv6-local.bin'], 'no temporary file left');

  const second = await openAsn({ dataDir: data, cacheDir });
  assert.equal(second.info().ipv4?.from, 'cache');
  assert.deepEqual(second.lookup('1.0.0.7'), { asn: 13335, organisation: 'Cloudflare, Inc.' });
  assert.deepEqual(second.lookup('103.242.44.1'), { asn: 9934, organisation: 'Mongolia Telecom' });

  // Each kind of damage is refused, then the CSV is read and the cache written again.
  const good = readFileSync(v4);
  const damage: [string, (b: Buffer) => Buffer][] = [
    ['checksum mismatch', (b) => { const c = Buffer.from(b); c[c.length - 40] = c[c.length - 40]! ^ 1; return c; }],
    ['truncated', (b) => b.subarray(0, 20)],
    ['size does not match its header', (b) => Buffer.concat([b, Buffer.alloc(4)])],
    ['bad magic', (b) => { const c = Buffer.from(b); c[0] = 0; return c; }],
    ['format version 9', (b) => { const c = Buffer.from(b); c.writeUInt32LE(9, 4); return c; }],
  ];
  for (const [reason, f] of damage) {
    writeFileSync(v4, f(good));
    const db = await openAsn({ dataDir: data, cacheDir });
    assert.equal(db.info().ipv4?.from, 'csv', reason);
    assert.equal(db.info().ipv4?.cacheMiss, reason);
    assert.deepEqual(db.lookup('1.0.0.7'), { asn: 13335, organisation: 'Cloudflare, Inc.' });
    assert.deepEqual(readFileSync(v4), good, `${reason}: rewritten`);
  }

  // Other data (another size: another key) is not read from this cache.
  writeFileSync(join(data, 'asn-ipv4-num.csv'), '16777216,16777471,64500,Someone Else\n');
  const other = await openAsn({ dataDir: data, cacheDir });
  assert.equal(other.info().ipv4?.cacheMiss, 'built from other data');
  assert.deepEqual(other.lookup('1.0.0.7'), { asn: 64500, organisation: 'Someone Else' });
});

test('cache: a folder that cannot be written is reported, not fatal; no cache at all with cacheDir null', async (t) => {
  const root = tmp(t);
  const data = dataDir(root);
  const blocked = join(root, 'file');
  writeFileSync(blocked, '');
  const db = await openAsn({ dataDir: data, cacheDir: join(blocked, 'sightline') });
  assert.equal(db.info().ipv4?.cacheWriteError, 'ENOTDIR');
  assert.deepEqual(db.lookup('1.0.0.7'), { asn: 13335, organisation: 'Cloudflare, Inc.' });
  const none = await openAsn({ dataDir: data, cacheDir: null });
  assert.equal(none.info().ipv4?.cacheMiss, 'no cache');
  assert.equal(existsSync(join(data, 'sightline')), false);
});

test('a missing CSV rejects with path: reason', async (t) => {
  const root = tmp(t);
  await assert.rejects(openAsn({ dataDir: root, cacheDir: null }), { message: `${join(root, 'asn-ipv4-num.csv')}: cannot read (ENOENT)` });
});

test('the default cache folder follows XDG_CACHE_HOME, read when called', () => {
  const saved = process.env['XDG_CACHE_HOME'];
  try {
    process.env['XDG_CACHE_HOME'] = '/var/tmp/xdg';
    assert.equal(defaultCacheDir(), '/var/tmp/xdg/sightline');
    process.env['XDG_CACHE_HOME'] = 'relative/ignored';
    assert.match(defaultCacheDir(), /\/\.cache\/sightline$/);
    delete process.env['XDG_CACHE_HOME'];
    assert.match(defaultCacheDir(), /\/\.cache\/sightline$/);
  } finally {
    if (saved === undefined) delete process.env['XDG_CACHE_HOME']; else process.env['XDG_CACHE_HOME'] = saved;
  }
});

test('decodeAsnCache refuses well-checksummed but malformed tables', () => {
  const table = (over: Partial<AsnTable>): AsnTable => ({
    words: 1, count: 2, starts: Uint32Array.from([10, 20]), ends: Uint32Array.from([15, 25]), orgs: Uint32Array.from([0, 1]),
    asns: Uint32Array.from([1, 2]), names: ['a', 'b'], skipped: 0, clipped: 0, ...over,
  });
  const ok = decodeAsnCache(encodeAsnCache(table({}), 'k'), 'k');
  assert.notEqual(typeof ok, 'string');
  assert.equal(decodeAsnCache(encodeAsnCache(table({}), 'k'), 'other'), 'built from other data');
  assert.equal(decodeAsnCache(encodeAsnCache(table({ orgs: Uint32Array.from([0, 2]) }), 'k'), 'k'), 'organisation index out of range');
  assert.equal(decodeAsnCache(encodeAsnCache(table({ ends: Uint32Array.from([9, 25]) }), 'k'), 'k'), 'range ends before it starts');
  assert.equal(decodeAsnCache(encodeAsnCache(table({ ends: Uint32Array.from([20, 25]) }), 'k'), 'k'), 'ranges out of order');
  // An odd byte offset (a pooled Buffer) is copied, not misread.
  const enc = encodeAsnCache(table({}), 'k');
  const shifted = Buffer.alloc(enc.length + 1);
  enc.copy(shifted, 1);
  assert.notEqual(typeof decodeAsnCache(shifted.subarray(1), 'k'), 'string');
});
