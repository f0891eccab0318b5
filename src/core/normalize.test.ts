import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  refang, normalizeDomain, parseIPv4, canonicalIPv6, normalizeCidr, normalizeUrl, normalizeFilename,
  normalizeEmail, inferIndicator, normalizeIndicator, formatIPv6, parseIPv6,
} from './normalize.js';

test('refang undoes the usual defanging', () => {
  assert.equal(refang('hxxp://evil[.]com/a'), 'http://evil.com/a');
  assert.equal(refang('hxxps[://]evil(.)com'), 'https://evil.com');
  assert.equal(refang('evil{.}com'), 'evil.com');
  assert.equal(refang('evil[dot]com'), 'evil.com');
  assert.equal(refang('1.2.3[.]4'), '1.2.3.4');
  assert.equal(refang('http://1.2.3.4[:]8080/'), 'http://1.2.3.4:8080/');
  assert.equal(refang('bad[at]evil[.]com'), 'bad@evil.com');
  assert.equal(refang('plain.example.com'), 'plain.example.com');
});

test('normalizeDomain: case, trailing dot, IDN, invalid names', () => {
  assert.equal(normalizeDomain('WWW.Example.NET.'), 'www.example.net');
  assert.equal(normalizeDomain('bücher.example'), 'xn--bcher-kva.example');
  assert.equal(normalizeDomain('xn--bcher-kva.example'), 'xn--bcher-kva.example');
  assert.equal(normalizeDomain('a..b'), null);
  assert.equal(normalizeDomain('-a.com'), null);
  assert.equal(normalizeDomain('a b.com'), null);
  assert.equal(normalizeDomain(''), null);
  assert.equal(normalizeDomain('x'.repeat(64) + '.com'), null);
  assert.equal(normalizeDomain('_dmarc.example.com'), '_dmarc.example.com');
});

test('IPv4 parse is strict', () => {
  assert.equal(parseIPv4('10.0.0.1'), 0x0a000001);
  assert.equal(parseIPv4('255.255.255.255'), 0xffffffff);
  assert.equal(parseIPv4('256.1.1.1'), null);
  assert.equal(parseIPv4('01.1.1.1'), null);
  assert.equal(parseIPv4('1.1.1'), null);
  assert.equal(parseIPv4('1.1.1.1.'), null);
});

test('IPv6 canonical form per RFC 5952', () => {
  assert.equal(canonicalIPv6('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.equal(canonicalIPv6('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
  assert.equal(canonicalIPv6('2001:db8::0:1'), '2001:db8::1');
  assert.equal(canonicalIPv6('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
  assert.equal(canonicalIPv6('::'), '::');
  assert.equal(canonicalIPv6('::1'), '::1');
  assert.equal(canonicalIPv6('fe80::1%eth0'), 'fe80::1');
  assert.equal(canonicalIPv6('::ffff:192.0.2.1'), '::ffff:192.0.2.1');
  assert.equal(canonicalIPv6('0:0:0:0:0:ffff:c000:0201'), '::ffff:192.0.2.1');
  assert.equal(canonicalIPv6('64:ff9b::192.0.2.33'), '64:ff9b::c000:221');
  assert.equal(canonicalIPv6('1:2:3:4:5:6:7:8:9'), null);
  assert.equal(canonicalIPv6('1::2::3'), null);
  assert.equal(canonicalIPv6('12345::'), null);
  assert.equal(canonicalIPv6('1:2:3:4:5:6:7::'), '1:2:3:4:5:6:7:0');
});

test('IPv6 format/parse round-trips', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (g) => {
    assert.deepEqual(parseIPv6(formatIPv6(g)), g);
  }), { seed: 42, numRuns: 2000 });
});

test('CIDR host bits cleared; full-length prefixes become addresses', () => {
  assert.deepEqual(normalizeCidr('10.1.2.3/24'), { type: 'cidr', value: '10.1.2.0/24' });
  assert.deepEqual(normalizeCidr('10.1.2.3/32'), { type: 'ipv4', value: '10.1.2.3' });
  assert.deepEqual(normalizeCidr('0.0.0.0/0'), { type: 'cidr', value: '0.0.0.0/0' });
  assert.deepEqual(normalizeCidr('2001:db8:abcd::1/33'), { type: 'cidr', value: '2001:db8:8000::/33' });
  assert.deepEqual(normalizeCidr('2001:db8::1/128'), { type: 'ipv6', value: '2001:db8::1' });
  assert.equal(normalizeCidr('10.0.0.0/33'), null);
  assert.equal(normalizeCidr('10.0.0.0/'), null);
});

test('URL normal form', () => {
  assert.equal(normalizeUrl('HTTP://WWW.Example.COM:80/A/b?Q=1#frag'), 'http://www.example.com/A/b?Q=1');
  assert.equal(normalizeUrl('https://example.com:443'), 'https://example.com/');
  assert.equal(normalizeUrl('https://example.com:8443/x'), 'https://example.com:8443/x');
  assert.equal(normalizeUrl('http://example.com?x'), 'http://example.com/?x');
  assert.equal(normalizeUrl('http://[2001:DB8::1]:80/'), 'http://[2001:db8::1]/');
  assert.equal(normalizeUrl('http://bücher.example/ä'), 'http://xn--bcher-kva.example/ä');
  assert.equal(normalizeUrl('example.com/x'), null);
  assert.equal(normalizeUrl('http://exa mple.com/'), null);
});

test('filenames, emails', () => {
  assert.equal(normalizeFilename('C:\\Windows\\System32\\NetMgr.EXE'), 'netmgr.exe');
  assert.equal(normalizeFilename('/tmp/a/b.dll'), 'b.dll');
  assert.equal(normalizeEmail('Bad.Guy@Evil.COM'), 'bad.guy@evil.com');
  assert.equal(normalizeEmail('mailto:<x@evil.com>'), 'x@evil.com');
  assert.equal(normalizeEmail('x@localhost'), null);
});

test('inferIndicator uses the public suffix list to tell domains from file names', () => {
  const cases: [string, string | null, string | null][] = [
    ['netmgr.exe', 'filename', 'netmgr.exe'],
    ['example.zip', 'domain', 'example.zip'],
    ['vpnwork.3322.org', 'domain', 'vpnwork.3322.org'],
    ['WWW.Info-SPB.com', 'domain', 'www.info-spb.com'],
    ['viprainru[.]com', 'domain', 'viprainru.com'],
    ['98.126.38.107', 'ipv4', '98.126.38.107'],
    ['98.126.38[.]107', 'ipv4', '98.126.38.107'],
    ['2001:DB8::1', 'ipv6', '2001:db8::1'],
    ['10.0.0.0/8', 'cidr', '10.0.0.0/8'],
    ['hxxp://evil[.]com/gate.php?id=1', 'url', 'http://evil.com/gate.php?id=1'],
    ['D41D8CD98F00B204E9800998ECF8427E', 'md5', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['da39a3ee5e6b4b0d3255bfef95601890afd80709', 'sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['80ba8997067025dd830d49d09c57c0dcb1e2f303fa0e093069bd9cff29420692', 'sha256', '80ba8997067025dd830d49d09c57c0dcb1e2f303fa0e093069bd9cff29420692'],
    ['attacker@evil.com', 'email', 'attacker@evil.com'],
    ['C:\\Users\\x\\AppData\\netmgr.exe', 'filename', 'netmgr.exe'],
    ['bücher.example', 'domain', 'xn--bcher-kva.example'],
    ['Report.DOC', 'filename', 'report.doc'],
    ['host.corp', 'domain', 'host.corp'],
    ['bücher.de', 'domain', 'xn--bcher-kva.de'],
    ['hello world', null, null],
    ['999.1.1.1', null, null],
    ['1.2.3', null, null],
    ['abc', null, null],
    ['deadbeef', null, null],
    ['', null, null],
  ];
  for (const [input, type, value] of cases) {
    const r = inferIndicator(input);
    assert.deepEqual(r && [r.type, r.value], type === null ? null : [type, value], input);
  }
});

test('normalizeIndicator validates by type', () => {
  assert.equal(normalizeIndicator('md5', 'xyz'), null);
  assert.equal(normalizeIndicator('cidr', '10.0.0.1/32'), null);
  assert.equal(normalizeIndicator('yara', 'NetTraveler'), 'NetTraveler');
  assert.equal(normalizeIndicator('yara', '1bad'), null);
  assert.equal(normalizeIndicator('domain', 'Evil[.]COM.'), 'evil.com');
});

test('normalisers never throw on arbitrary strings', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
    inferIndicator(s);
    normalizeUrl(s);
    canonicalIPv6(s);
    normalizeCidr(s);
  }), { seed: 7, numRuns: 3000 });
});
