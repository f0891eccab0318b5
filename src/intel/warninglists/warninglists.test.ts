import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../core/test-data.js';
import { Warninglists } from './warninglists.js';

const lists = Warninglists.fromJson([
  { name: 'private', type: 'cidr', list: ['10.0.0.0/8', '192.168.0.0/16', 'fd00::/8', 'bogus', '2001:db8::1'] },
  { name: 'resolvers', type: 'cidr', list: ['8.8.8.8', '10.1.0.0/16', '2001:4860:4860::8888'] },
  { name: 'top', type: 'hostname', list: ['Example.COM.', '*.cdn.example.net', 42] },
  { name: 'brands', type: 'string', list: ['.google.com', 'exact.example.org', '8.8.4.4', 'http://x.example/a'] },
  { name: 'subs', type: 'substring', list: ['sinkhole'] },
  { name: 'regexes', type: 'regex', list: ['.*'] },
  { name: 'bad-type', type: 'nope', list: ['x.com'] },
  { type: 'cidr', list: ['0.0.0.0/0'] },
  'not an object',
]);

test('bad lists are ignored; the good ones keep their order', () => {
  assert.deepEqual(lists.listNames(), ['private', 'resolvers', 'top', 'brands', 'subs', 'regexes']);
});

test('cidr lists: addresses and CIDRs inside a range; the first list wins', () => {
  assert.equal(lists.check('ipv4', '10.1.2.3'), 'private');
  assert.equal(lists.check('ipv4', '8.8.8.8'), 'resolvers');
  assert.equal(lists.check('ipv4', '8.8.8.9'), null);
  assert.equal(lists.check('ipv4', '8.8.8.7'), null);
  assert.equal(lists.check('cidr', '0.0.0.0/1'), null);
  assert.equal(lists.check('ipv4', '192.168.255.255'), 'private');
  assert.equal(lists.check('ipv4', '192.169.0.0'), null);
  assert.equal(lists.check('cidr', '10.20.0.0/16'), 'private');
  assert.equal(lists.check('cidr', '10.0.0.0/7'), null);
  assert.equal(lists.check('ipv6', 'fd12:3456::1'), 'private');
  assert.equal(lists.check('ipv6', '2001:db8::1'), 'private');
  assert.equal(lists.check('ipv6', '2001:db8::2'), null);
  assert.equal(lists.check('ipv6', '2001:4860:4860::8888'), 'resolvers');
  assert.equal(lists.check('cidr', 'fd00:1::/32'), 'private');
});

test('hostname lists match the name and its subdomains; string lists match exactly, dotted entries as suffixes', () => {
  assert.equal(lists.check('domain', 'example.com'), 'top');
  assert.equal(lists.check('domain', 'www.example.com'), 'top');
  assert.equal(lists.check('domain', 'badexample.com'), null);
  assert.equal(lists.check('domain', 'example.com.evil.net'), null);
  assert.equal(lists.check('domain', 'a.cdn.example.net'), 'top');
  assert.equal(lists.check('domain', 'example.net'), null);
  assert.equal(lists.check('domain', 'mail.google.com'), 'brands');
  assert.equal(lists.check('domain', 'google.com'), 'brands');
  assert.equal(lists.check('domain', 'exact.example.org'), 'brands');
  assert.equal(lists.check('domain', 'sub.exact.example.org'), null);
  assert.equal(lists.check('ipv4', '8.8.4.4'), 'brands');
  assert.equal(lists.check('url', 'http://x.example/a'), 'brands');
  assert.equal(lists.check('url', 'https://www.example.com/path'), 'top');
  assert.equal(lists.check('url', 'https://evil.example/path'), null);
  assert.equal(lists.check('email', 'a@example.com'), null);
});

test('substring lists match anywhere; regex lists are never evaluated', () => {
  assert.equal(lists.check('domain', 'sinkhole.shadowserver.org'), 'subs');
  assert.equal(lists.check('filename', 'anything.exe'), null);
});

const DATA = join(repoRoot(), 'data', 'warninglists');

test('the bundled lists: exactly the twelve chosen, without dynamic-dns and university_domains', () => {
  const names = readdirSync(DATA).filter((n) => existsSync(join(DATA, n, 'list.json'))).sort();
  assert.deepEqual(names, ['alexa', 'circl-security-scanning', 'google', 'microsoft', 'public-dns-hostname', 'public-dns-v4', 'public-dns-v6', 'rfc1918', 'rfc5735', 'rfc6761', 'second-level-tlds', 'tranco10k']);
  assert.ok(existsSync(join(DATA, 'README.md')));
});

test('the bundled lists flag what they should, and leave campaign infrastructure alone', () => {
  const order = ['rfc1918', 'rfc5735', 'rfc6761', 'public-dns-v4', 'public-dns-v6', 'public-dns-hostname', 'circl-security-scanning', 'google', 'microsoft', 'alexa', 'tranco10k', 'second-level-tlds'];
  const w = Warninglists.fromJson(order.map((n) => JSON.parse(readFileSync(join(DATA, n, 'list.json'), 'utf8')) as unknown));
  assert.equal(w.listNames().length, 12);
  assert.equal(w.check('ipv4', '192.168.1.1'), 'List of RFC 1918 CIDR blocks');
  assert.equal(w.check('ipv4', '127.0.0.1'), 'List of RFC 5735 CIDR blocks');
  assert.equal(w.check('ipv4', '1.1.1.1'), 'List of known IPv4 public DNS resolvers');
  assert.equal(w.check('ipv6', '2001:4860:4860::8888'), 'List of known IPv6 public DNS resolvers');
  assert.equal(w.check('domain', 'example.com'), 'List of RFC 6761 Special-Use Domain Names');
  assert.equal(w.check('domain', '10.in-addr.arpa'), 'List of RFC 6761 Special-Use Domain Names');
  assert.equal(w.check('domain', 'www.google.com'), 'List of known google domains');
  assert.equal(w.check('domain', 'login.microsoftonline.com'), 'List of known microsoft domains');
  assert.equal(w.check('domain', 'www.wikipedia.org'), 'Top 1000 website from Alexa');
  assert.equal(w.check('domain', 'co.uk'), 'Second level TLDs as known by Mozilla Foundation');
  // NetTraveler's dynamic-DNS C2 names must stay huntable.
  assert.equal(w.check('domain', 'vpnwork.3322.org'), null);
  assert.equal(w.check('domain', 'www.info-spb.com'), null);
  assert.equal(w.check('ipv4', '98.126.38.107'), null);
  // Speed: many checks, no assertion on time (docs/design.md), just that they stay correct in bulk.
  let hits = 0;
  for (let i = 0; i < 200000; i++) if (w.check('ipv4', `10.${i & 255}.${(i >> 8) & 255}.1`) !== null) hits++;
  assert.equal(hits, 200000);
});
