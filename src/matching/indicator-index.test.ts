import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObservedKind } from '../core/model.js';
import { IndicatorIndex, type IndexEntry } from './index.js';

function indexOf(entries: Array<[IndexEntry['type'], string]>): IndicatorIndex {
  return IndicatorIndex.build(entries.map(([type, value], i) => ({ id: i + 1, type, value })));
}

/** The sorted ids matched, checking the returned count agrees with what was pushed. */
function ids(index: IndicatorIndex, kind: ObservedKind, value: string): number[] {
  const out: number[] = [99];
  const n = index.match(kind, value, out);
  assert.equal(out.length, n + 1, `count for ${value}`);
  return out.slice(1).sort((a, b) => a - b);
}

test('domain: the name and its subdomains, not look-alikes', () => {
  const ix = indexOf([['domain', 'example.net'], ['domain', 'b.example.net'], ['domain', 'other.org']]);
  assert.equal(ix.size, 3);
  assert.deepEqual(ids(ix, 'domain', 'example.net'), [1]);
  assert.deepEqual(ids(ix, 'domain', 'www.example.net'), [1]);
  assert.deepEqual(ids(ix, 'domain', 'a.b.example.net'), [1, 2]);
  assert.deepEqual(ids(ix, 'domain', 'b.example.net'), [1, 2]);
  assert.deepEqual(ids(ix, 'domain', 'badexample.net'), []);
  assert.deepEqual(ids(ix, 'domain', 'example.net.evil.com'), []);
  assert.deepEqual(ids(ix, 'domain', 'xample.net'), []);
  assert.deepEqual(ids(ix, 'domain', 'net'), []);
  assert.deepEqual(ids(ix, 'domain', 'ab.example.net'), [1]);
  assert.deepEqual(ids(ix, 'domain', 'other.org.'), [3]);
});

test('domain: mixed case, trailing dot, white space, invalid names', () => {
  const ix = indexOf([['domain', 'Example.NET.']]);
  assert.deepEqual(ids(ix, 'domain', 'WWW.Example.Net'), [1]);
  assert.deepEqual(ids(ix, 'domain', 'www.example.net.'), [1]);
  assert.deepEqual(ids(ix, 'domain', ' www.example.net '), [1]);
  assert.deepEqual(ids(ix, 'domain', 'www.example.net..'), []);
  assert.deepEqual(ids(ix, 'domain', 'www..example.net'), []);
  assert.deepEqual(ids(ix, 'domain', '-www.example.net'), []);
  assert.deepEqual(ids(ix, 'domain', 'www*.example.net'), []);
  assert.deepEqual(ids(ix, 'domain', ''), []);
  assert.deepEqual(ids(ix, 'domain', '.'), []);
  assert.equal(ix.matchedValue('domain', 'WWW.Example.Net.'), 'www.example.net');
  assert.equal(ix.matchedValue('domain', 'not a name'), 'not a name');
});

test('domain: IDN compared as punycode both ways', () => {
  const ix = indexOf([['domain', 'bücher.example'], ['domain', 'xn--mnchen-3ya.example']]);
  assert.deepEqual(ids(ix, 'domain', 'xn--bcher-kva.example'), [1]);
  assert.deepEqual(ids(ix, 'domain', 'www.BÜCHER.example'), [1]);
  assert.deepEqual(ids(ix, 'domain', 'münchen.example'), [2]);
  assert.deepEqual(ids(ix, 'domain', 'bucher.example'), []);
  assert.equal(ix.matchedValue('domain', 'www.bücher.example'), 'www.xn--bcher-kva.example');
});

test('domain: a TLD-level indicator matches every name under it (documented)', () => {
  const ix = indexOf([['domain', 'com'], ['domain', 'example.com']]);
  assert.deepEqual(ids(ix, 'domain', 'anything.com'), [1]);
  assert.deepEqual(ids(ix, 'domain', 'www.example.com'), [1, 2]);
  assert.deepEqual(ids(ix, 'domain', 'com'), [1]);
  assert.deepEqual(ids(ix, 'domain', 'example.com.au'), []);
  assert.deepEqual(ids(ix, 'domain', 'example.co'), []);
});

test('domain: duplicate values with different ids all match', () => {
  const ix = IndicatorIndex.build([
    { id: 7, type: 'domain', value: 'example.net' }, { id: 3, type: 'domain', value: 'example.net' },
  ]);
  assert.deepEqual(ids(ix, 'domain', 'x.example.net'), [3, 7]);
});

test('ip: IPv4 exact, IPv6 long/short/mapped forms', () => {
  const ix = indexOf([['ipv4', '192.0.2.1'], ['ipv6', '2001:db8::1'], ['ipv6', '::ffff:198.51.100.7']]);
  assert.deepEqual(ids(ix, 'ip', '192.0.2.1'), [1]);
  assert.deepEqual(ids(ix, 'ip', ' 192.0.2.1\n'), [1]);
  assert.deepEqual(ids(ix, 'ip', '192.0.2.2'), []);
  assert.deepEqual(ids(ix, 'ip', '192.0.2.01'), []);
  assert.deepEqual(ids(ix, 'ip', '192.0.2.1.5'), []);
  assert.deepEqual(ids(ix, 'ip', '2001:0DB8:0000:0000:0000:0000:0000:0001'), [2]);
  assert.deepEqual(ids(ix, 'ip', '2001:db8:0:0::1'), [2]);
  assert.deepEqual(ids(ix, 'ip', '[2001:db8::1]'), [2]);
  assert.deepEqual(ids(ix, 'ip', '2001:db8::1%eth0'), [2]);
  assert.deepEqual(ids(ix, 'ip', '2001:db8::2'), []);
  assert.deepEqual(ids(ix, 'ip', '::ffff:192.0.2.1'), [1]);
  assert.deepEqual(ids(ix, 'ip', '::ffff:c000:201'), [1]);
  assert.deepEqual(ids(ix, 'ip', '0:0:0:0:0:ffff:c000:0201'), [1]);
  assert.deepEqual(ids(ix, 'ip', '::192.0.2.1'), []);
  assert.deepEqual(ids(ix, 'ip', '::ffff:198.51.100.7'), [3]);
  assert.deepEqual(ids(ix, 'ip', '::FFFF:C633:6407'), [3]);
  assert.deepEqual(ids(ix, 'ip', 'nonsense'), []);
  assert.deepEqual(ids(ix, 'ip', '1:2:3'), []);
  assert.equal(ix.matchedValue('ip', '2001:DB8:0:0::1'), '2001:db8::1');
  assert.equal(ix.matchedValue('ip', '::ffff:c000:201'), '::ffff:192.0.2.1');
});

test('ip: IPv4 CIDR edges, /0, /32, overlapping networks', () => {
  const ix = indexOf([
    ['cidr', '10.1.2.0/24'], ['cidr', '10.0.0.0/8'], ['cidr', '0.0.0.0/0'], ['cidr', '10.1.2.128/25'],
    ['ipv4', '10.1.2.3'], ['cidr', '10.1.2.0/24'],
  ]);
  assert.deepEqual(ids(ix, 'ip', '10.1.2.0'), [1, 2, 3, 6]);
  assert.deepEqual(ids(ix, 'ip', '10.1.2.255'), [1, 2, 3, 4, 6]);
  assert.deepEqual(ids(ix, 'ip', '10.1.2.127'), [1, 2, 3, 6]);
  assert.deepEqual(ids(ix, 'ip', '10.1.2.128'), [1, 2, 3, 4, 6]);
  assert.deepEqual(ids(ix, 'ip', '10.1.1.255'), [2, 3]);
  assert.deepEqual(ids(ix, 'ip', '10.1.3.0'), [2, 3]);
  assert.deepEqual(ids(ix, 'ip', '10.1.2.3'), [1, 2, 3, 5, 6]);
  assert.deepEqual(ids(ix, 'ip', '9.255.255.255'), [3]);
  assert.deepEqual(ids(ix, 'ip', '11.0.0.0'), [3]);
  assert.deepEqual(ids(ix, 'ip', '255.255.255.255'), [3]);
  assert.deepEqual(ids(ix, 'ip', '0.0.0.0'), [3]);
  assert.deepEqual(ids(ix, 'ip', '::ffff:10.1.2.200'), [1, 2, 3, 4, 6]);
  assert.deepEqual(ids(ix, 'ip', '2001:db8::1'), []);
});

test('ip: /32 and /31 edges', () => {
  const ix = indexOf([['cidr', '203.0.113.9/32'], ['cidr', '203.0.113.10/31'], ['cidr', '255.255.255.254/31']]);
  assert.deepEqual(ids(ix, 'ip', '203.0.113.9'), [1]);
  assert.deepEqual(ids(ix, 'ip', '203.0.113.8'), []);
  assert.deepEqual(ids(ix, 'ip', '203.0.113.10'), [2]);
  assert.deepEqual(ids(ix, 'ip', '203.0.113.11'), [2]);
  assert.deepEqual(ids(ix, 'ip', '203.0.113.12'), []);
  assert.deepEqual(ids(ix, 'ip', '255.255.255.255'), [3]);
  assert.deepEqual(ids(ix, 'ip', '255.255.255.253'), []);
});

test('ip: IPv6 CIDR edges, /0, /128, overlapping', () => {
  const ix = indexOf([
    ['cidr', '2001:db8::/32'], ['cidr', '2001:db8:1::/48'], ['cidr', '::/0'], ['cidr', '2001:db8:1::5/128'],
    ['cidr', '2001:db8:1:0:8000::/65'],
  ]);
  assert.deepEqual(ids(ix, 'ip', '2001:db8::'), [1, 3]);
  assert.deepEqual(ids(ix, 'ip', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'), [1, 3]);
  assert.deepEqual(ids(ix, 'ip', '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff'), [3]);
  assert.deepEqual(ids(ix, 'ip', '2001:db9::'), [3]);
  assert.deepEqual(ids(ix, 'ip', '2001:db8:1::5'), [1, 2, 3, 4]);
  assert.deepEqual(ids(ix, 'ip', '2001:db8:1::4'), [1, 2, 3]);
  assert.deepEqual(ids(ix, 'ip', '2001:db8:1::6'), [1, 2, 3]);
  assert.deepEqual(ids(ix, 'ip', '2001:db8:1:0:7fff:ffff:ffff:ffff'), [1, 2, 3]);
  assert.deepEqual(ids(ix, 'ip', '2001:db8:1:0:8000::'), [1, 2, 3, 5]);
  assert.deepEqual(ids(ix, 'ip', '2001:db8:1:0:ffff:ffff:ffff:ffff'), [1, 2, 3, 5]);
  assert.deepEqual(ids(ix, 'ip', '2001:db8:1:1::'), [1, 2, 3]);
  assert.deepEqual(ids(ix, 'ip', '::'), [3]);
  assert.deepEqual(ids(ix, 'ip', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), [3]);
  assert.deepEqual(ids(ix, 'ip', '192.0.2.1'), []);
});

test('url: the three rules and their near misses', () => {
  const ix = indexOf([
    ['url', 'http://example.net/a/b'],
    ['url', 'http://example.net/gate.php?id=1'],
    ['url', 'http://example.net/dir/'],
    ['url', 'https://Example.NET:443/x'],
    ['url', 'http://example.net:8080/p'],
  ]);
  // rule 1: equal
  assert.deepEqual(ids(ix, 'url', 'http://example.net/a/b'), [1]);
  assert.deepEqual(ids(ix, 'url', 'http://example.net/gate.php?id=1'), [2]);
  assert.deepEqual(ids(ix, 'url', 'HTTP://EXAMPLE.net:80/a/b'), [1]);
  assert.deepEqual(ids(ix, 'url', 'https://example.net/x'), [4]);
  assert.deepEqual(ids(ix, 'url', 'http://example.net:8080/p'), [5]);
  // rule 2: an indicator without query equals the request without its query
  assert.deepEqual(ids(ix, 'url', 'http://example.net/a/b?x=1&y=2'), [1]);
  assert.deepEqual(ids(ix, 'url', 'http://example.net/a/b#frag'), [1]);
  // an indicator with a query needs that query
  assert.deepEqual(ids(ix, 'url', 'http://example.net/gate.php'), []);
  assert.deepEqual(ids(ix, 'url', 'http://example.net/gate.php?id=2'), []);
  assert.deepEqual(ids(ix, 'url', 'http://example.net/gate.php?id=1&z=3'), []);
  // rule 3: an indicator ending in / is a prefix
  assert.deepEqual(ids(ix, 'url', 'http://example.net/dir/'), [3]);
  assert.deepEqual(ids(ix, 'url', 'http://example.net/dir/x/y.exe?q=1'), [3]);
  assert.deepEqual(ids(ix, 'url', 'http://example.net/dir'), []);
  assert.deepEqual(ids(ix, 'url', 'http://example.net/dirx/'), []);
  assert.deepEqual(ids(ix, 'url', 'http://example.net/other/dir/'), []);
  // near misses: scheme, port, path boundary, host, case of the path
  assert.deepEqual(ids(ix, 'url', 'https://example.net/a/b'), []);
  assert.deepEqual(ids(ix, 'url', 'http://example.net:8080/a/b'), []);
  assert.deepEqual(ids(ix, 'url', 'http://example.net/p'), []);
  assert.deepEqual(ids(ix, 'url', 'http://example.net/a/bc'), []);
  assert.deepEqual(ids(ix, 'url', 'http://example.net/a/b/'), []);
  assert.deepEqual(ids(ix, 'url', 'http://example.net/A/B'), []);
  assert.deepEqual(ids(ix, 'url', 'http://www.example.net/a/b'), []);
  assert.deepEqual(ids(ix, 'url', 'ftp://example.net/a/b'), []);
  assert.deepEqual(ids(ix, 'url', 'not a url'), []);
  assert.equal(ix.matchedValue('url', 'HTTP://Example.net:80/a/b?x#f'), 'http://example.net/a/b?x');
});

test('url: prefix indicators at several depths and a root prefix all match', () => {
  const ix = indexOf([['url', 'http://example.net/'], ['url', 'http://example.net/a/'], ['url', 'http://example.net/a/b/']]);
  assert.deepEqual(ids(ix, 'url', 'http://example.net/a/b/c'), [1, 2, 3]);
  assert.deepEqual(ids(ix, 'url', 'http://example.net'), [1]);
  assert.deepEqual(ids(ix, 'url', 'http://example.net?q=/a/'), [1]);
  assert.deepEqual(ids(ix, 'url', 'http://example.org/a/b/c'), []);
});

test('hash: each length, upper case, wrong lengths and non-hex', () => {
  const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
  const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
  const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  const ix = indexOf([['md5', md5], ['sha1', sha1], ['sha256', sha256], ['md5', sha1]]);
  assert.equal(ix.size, 3);
  assert.equal(ix.skipped, 1);
  assert.deepEqual(ids(ix, 'hash', md5.toUpperCase()), [1]);
  assert.deepEqual(ids(ix, 'hash', sha1.toUpperCase()), [2]);
  assert.deepEqual(ids(ix, 'hash', sha256.toUpperCase()), [3]);
  assert.deepEqual(ids(ix, 'hash', sha256), [3]);
  assert.deepEqual(ids(ix, 'hash', md5.slice(0, 31) + 'f'), []);
  assert.deepEqual(ids(ix, 'hash', md5.slice(0, 31)), []);
  assert.deepEqual(ids(ix, 'hash', md5.slice(0, 31) + 'g'), []);
  assert.deepEqual(ids(ix, 'hash', sha256.slice(0, 32)), []);
  assert.equal(ix.matchedValue('hash', md5.toUpperCase()), md5);
});

test('filename: base name of Windows and POSIX paths, case-insensitive', () => {
  const ix = indexOf([['filename', 'netmgr.exe'], ['filename', 'Über.DLL']]);
  assert.deepEqual(ids(ix, 'filename', 'C:\\Windows\\System32\\NETMGR.EXE'), [1]);
  assert.deepEqual(ids(ix, 'filename', '/tmp/x/netmgr.exe'), [1]);
  assert.deepEqual(ids(ix, 'filename', 'netmgr.exe'), [1]);
  assert.deepEqual(ids(ix, 'filename', ' netmgr.exe '), [1]);
  assert.deepEqual(ids(ix, 'filename', 'C:\\dir\\über.dll'), [2]);
  assert.deepEqual(ids(ix, 'filename', 'netmgr.exe.txt'), []);
  assert.deepEqual(ids(ix, 'filename', 'xnetmgr.exe'), []);
  assert.deepEqual(ids(ix, 'filename', 'netmgr.exe/'), []);
  assert.deepEqual(ids(ix, 'filename', 'net\u0001mgr.exe'), []);
  assert.equal(ix.matchedValue('filename', 'C:\\A\\NetMgr.exe'), 'netmgr.exe');
});

test('email: normalised, local part case-folded', () => {
  const ix = indexOf([['email', 'Bad.Actor@Example.NET']]);
  assert.deepEqual(ids(ix, 'email', 'bad.actor@example.net'), [1]);
  assert.deepEqual(ids(ix, 'email', '<BAD.ACTOR@example.net>'), [1]);
  assert.deepEqual(ids(ix, 'email', 'mailto:bad.actor@EXAMPLE.net'), [1]);
  assert.deepEqual(ids(ix, 'email', 'bad.actor@www.example.net'), []);
  assert.deepEqual(ids(ix, 'email', 'other@example.net'), []);
});

test('kinds do not cross: a domain is not found as a file name, a URL host is not a domain; rules and sinkholes are not indexed', () => {
  const ix = indexOf([['domain', 'example.net'], ['yara', 'NT_Marker'], ['ipv4', '192.0.2.1'], ['sinkhole', 'nettraveler']]);
  assert.equal(ix.size, 2);
  assert.equal(ix.skipped, 0);
  for (const kind of ['domain', 'url', 'filename', 'email'] as const) assert.deepEqual(ids(ix, kind, 'nettraveler'), []);
  assert.deepEqual(ids(ix, 'filename', 'example.net'), []);
  assert.deepEqual(ids(ix, 'url', 'http://example.net/'), []);
  assert.deepEqual(ids(ix, 'domain', '192.0.2.1'), []);
  assert.deepEqual(ids(ix, 'ip', 'example.net'), []);
});

test('build skips invalid values and bad ids, and counts them', () => {
  const ix = IndicatorIndex.build([
    { id: 1, type: 'domain', value: 'bad..name' }, { id: 2, type: 'ipv4', value: '300.1.1.1' },
    { id: 3, type: 'cidr', value: '10.0.0.0/33' }, { id: 4, type: 'cidr', value: '10.0.0.0' },
    { id: -1, type: 'domain', value: 'example.net' }, { id: 1.5, type: 'domain', value: 'example.net' },
    { id: 2 ** 32, type: 'domain', value: 'example.net' }, { id: 5, type: 'url', value: 'no url' },
    { id: 6, type: 'ipv6', value: '1::2::3' }, { id: 7, type: 'cidr', value: '2001:db8::/129' },
    { id: 0xffffffff, type: 'domain', value: 'example.org' },
  ]);
  assert.equal(ix.size, 1);
  assert.equal(ix.skipped, 10);
  assert.deepEqual(ids(ix, 'domain', 'example.org'), [0xffffffff]);
  assert.deepEqual(ids(ix, 'domain', 'example.net'), []);
});

test('an empty index matches nothing and holds little memory', () => {
  const ix = IndicatorIndex.build([]);
  assert.equal(ix.size, 0);
  for (const [k, v] of [['domain', 'a.b'], ['ip', '1.2.3.4'], ['url', 'http://a/'], ['hash', 'a'.repeat(32)], ['filename', 'a'], ['email', 'a@b.c']] as const) {
    assert.deepEqual(ids(ix, k, v), []);
  }
  // 32 KiB of domain shapes, five empty string tables (2 slots: 8 + 2 bytes) and four empty digest tables (8 bytes).
  assert.equal(ix.memoryBytes(), 32768 + 5 * 10 + 4 * 8);
});

test('memoryBytes grows with the indicators', () => {
  const small = indexOf([['domain', 'example.net']]);
  const big = IndicatorIndex.build(Array.from({ length: 1000 }, (_, i) => ({ id: i, type: 'domain' as const, value: `host${i}.example.net` })));
  assert.ok(big.memoryBytes() > small.memoryBytes() + 20000, `${big.memoryBytes()} vs ${small.memoryBytes()}`);
  assert.deepEqual(ids(big, 'domain', 'x.host999.example.net'), [999]);
  assert.deepEqual(ids(big, 'domain', 'host1000.example.net'), []);
});
