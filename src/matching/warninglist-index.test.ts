import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import fc from 'fast-check';
import { repoRoot } from '../core/test-data.js';
import type { Warninglist } from '../core/warninglist.js';
import { readWarninglist } from '../intel/warninglists/warninglists.js';
import { WarninglistIndex } from './warninglist-index.js';

/** Lists as intel reads them: the bad ones are dropped there, the good ones keep their order. */
const read = (lists: unknown[]): Warninglist[] => lists.map((l) => readWarninglist(l)).filter((l): l is Warninglist => l !== null);

const lists = WarninglistIndex.build(read([
  { name: 'private', type: 'cidr', list: ['10.0.0.0/8', '192.168.0.0/16', 'fd00::/8', 'bogus', '2001:db8::1'] },
  { name: 'resolvers', type: 'cidr', list: ['8.8.8.8', '10.1.0.0/16', '2001:4860:4860::8888'] },
  { name: 'top', type: 'hostname', list: ['Example.COM.', '*.cdn.example.net', 42] },
  { name: 'brands', type: 'string', list: ['.google.com', 'exact.example.org', '8.8.4.4', 'http://x.example/a'] },
  { name: 'subs', type: 'substring', list: ['sinkhole'] },
  { name: 'regexes', type: 'regex', list: ['.*'] },
  { name: 'bad-type', type: 'nope', list: ['x.com'] },
  { type: 'cidr', list: ['0.0.0.0/0'] },
  'not an object',
]));

test('the lists keep their order', () => {
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

test('cidr lists: edges, families and malformed values', () => {
  assert.equal(lists.check('cidr', '10.0.0.0/8'), 'private');
  assert.equal(lists.check('cidr', '10.1.0.0/16'), 'private'); // on both lists: the first wins
  assert.equal(lists.check('cidr', '8.8.8.8/31'), null); // a network longer than the indicator holds only part of it
  assert.equal(lists.check('cidr', 'fd00::/7'), null);
  assert.equal(lists.check('ipv4', '10.255.255.255'), 'private');
  assert.equal(lists.check('ipv4', '11.0.0.0'), null);
  // IPv4 and IPv6 do not cross.
  assert.equal(lists.check('ipv6', '::ffff:10.1.2.3'), null);
  for (const bad of ['10.0.0.0', '10.0.0.0/', '10.0.0.0/33', '/8', '10.0.0.0/x', 'fd00::/129']) assert.equal(lists.check('cidr', bad), null, bad);
  assert.equal(lists.check('ipv4', '010.1.2.3'), null);
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

test('top-level and IDN host entries; URLs with user info and ports', () => {
  const w = WarninglistIndex.build([
    { name: 'tld', type: 'hostname', list: ['arpa'] },
    { name: 'idn', type: 'hostname', list: ['Bücher.example'] },
  ]);
  assert.equal(w.check('domain', 'arpa'), 'tld');
  assert.equal(w.check('domain', '10.in-addr.arpa'), 'tld');
  assert.equal(w.check('domain', 'xarpa'), null);
  // Names are compared as punycode (docs/design.md, "Matching semantics").
  assert.equal(w.check('domain', 'www.xn--bcher-kva.example'), 'idn');
  assert.equal(w.check('url', 'http://user@www.xn--bcher-kva.example:8080/'), 'idn');
  assert.equal(w.check('url', 'http://[2001:db8::1]/'), null);
  assert.equal(WarninglistIndex.build([]).check('domain', 'example.com'), null);
});

/** A network as written in a list, with what Node's BlockList makes of it. */
const v4Network = fc.record({ a: fc.integer({ min: 0, max: 0xffffffff }), len: fc.integer({ min: 0, max: 32 }) });
const dotted = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const masked = (n: number, len: number) => (len === 0 ? 0 : (n & (0xffffffff << (32 - len))) >>> 0);

test('property: cidr lists agree with net.BlockList on addresses and contained networks', () => {
  // Few distinct top bits so that lookups hit as often as they miss.
  const near = (n: number) => (n & 0x0300ffff) >>> 0;
  fc.assert(fc.property(
    fc.array(fc.array(v4Network, { maxLength: 6 }), { minLength: 1, maxLength: 4 }),
    fc.array(v4Network, { minLength: 1, maxLength: 20 }),
    (listNets, queries) => {
      const ws = listNets.map((nets, i): Warninglist => ({
        name: `l${i}`, type: 'cidr', list: nets.map(({ a, len }) => `${dotted(near(a))}/${len}`),
      }));
      const w = WarninglistIndex.build(ws);
      for (const { a, len } of queries) {
        const q = near(a);
        const addrWant = listNets.findIndex((nets) => nets.some((e) => {
          const bl = new net.BlockList();
          bl.addSubnet(dotted(masked(near(e.a), e.len)), e.len, 'ipv4');
          return bl.check(dotted(q), 'ipv4');
        }));
        assert.equal(w.check('ipv4', dotted(q)), addrWant < 0 ? null : `l${addrWant}`);
        const netWant = listNets.findIndex((nets) => nets.some((e) => {
          const bl = new net.BlockList();
          bl.addSubnet(dotted(masked(near(e.a), e.len)), e.len, 'ipv4');
          return e.len <= len && bl.check(dotted(masked(q, len)), 'ipv4');
        }));
        assert.equal(w.check('cidr', `${dotted(masked(q, len))}/${len}`), netWant < 0 ? null : `l${netWant}`);
      }
    },
  ), { seed: 31, numRuns: 300 });
});

test('property: hostname lists agree with a naive suffix check', () => {
  const label = fc.constantFrom('a', 'b', 'example', 'com', 'net', 'x-y');
  const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
  fc.assert(fc.property(fc.array(fc.array(name, { maxLength: 5 }), { minLength: 1, maxLength: 3 }), fc.array(name, { maxLength: 20 }), (entries, queries) => {
    const w = WarninglistIndex.build(entries.map((list, i) => ({ name: `h${i}`, type: 'hostname', list })));
    for (const q of queries) {
      const want = entries.findIndex((list) => list.some((e) => q === e || q.endsWith(`.${e}`)));
      assert.equal(w.check('domain', q), want < 0 ? null : `h${want}`, q);
    }
  }), { seed: 32, numRuns: 500 });
});

const DATA = join(repoRoot(), 'data', 'warninglists');

test('the bundled lists flag what they should, and leave campaign infrastructure alone', () => {
  const order = ['rfc1918', 'rfc5735', 'rfc6761', 'public-dns-v4', 'public-dns-v6', 'public-dns-hostname', 'circl-security-scanning', 'google', 'microsoft', 'alexa', 'tranco10k', 'second-level-tlds'];
  const w = WarninglistIndex.build(read(order.map((n) => JSON.parse(readFileSync(join(DATA, n, 'list.json'), 'utf8')) as unknown)));
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
  // Many checks, no assertion on time (docs/design.md), just that they stay correct in bulk.
  let hits = 0;
  for (let i = 0; i < 200000; i++) if (w.check('ipv4', `10.${i & 255}.${(i >> 8) & 255}.1`) !== null) hits++;
  assert.equal(hits, 200000);
});
