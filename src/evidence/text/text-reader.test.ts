import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import fc from 'fast-check';
import type { Observation } from '../../core/model.js';
import { normalizeDomain, normalizeEmail, normalizeUrl, parseIPv4, parseIPv6 } from '../../core/normalize.js';
import { sharedData, skipUnlessShared } from '../../core/test-data.js';
import { createLineReader } from '../index.js';
import { collectingSink, readBuffer } from '../line-reader.js';
import { fuzzLines, splitLines } from '../testing/fuzz-lines.js';
import { TextReader, leadingTimestamp } from './text-reader.js';
import { MAX_VALUES_PER_LINE, mayExceedValues, scanLine } from './text-scan.js';
import type { ObservationFilter } from '../line-reader.js';

/** Reads `text` (LF-separated lines) with a fresh TextReader. */
function read(text: string | Buffer) {
  const r = createLineReader('text', 'notes.txt');
  const sink = collectingSink();
  readBuffer(r, typeof text === 'string' ? Buffer.from(text) : text, sink);
  return { reader: r, observations: sink.observations, diagnostics: sink.diagnostics };
}

/** [field, value, line] triples, in emission order (kind follows from the field, checked separately). */
function triples(obs: readonly Observation[]): Array<[string, string, number]> {
  return obs.map((o) => [o.field, o.value, o.line!]);
}

const KIND_OF: Record<string, string> = { 'text.domain': 'domain', 'text.ip': 'ip', 'text.url': 'url', 'text.email': 'email', 'text.hash': 'hash' };

/** Every observation has the kind its field says, no src/dst, and a line. */
function checkShape(obs: readonly Observation[]): void {
  for (const o of obs) {
    assert.equal(o.kind, KIND_OF[o.field], o.field);
    assert.equal(o.src, null);
    assert.equal(o.dst, null);
    assert.ok(o.line !== undefined && o.line >= 1);
  }
}

test('a pasted mail header: hosts, the relay address and every address in angle brackets', () => {
  const { observations, diagnostics, reader } = read([
    'Received: from mail.example.com (mail.example.com [192.0.2.1])',
    '\tby mx.example.org with ESMTP id 4AB; Thu, 2 May 2013 03:04:05 +0000',
    'From: "Bob Smith" <bob.smith+news@evil-corp.co.uk>',
    'Return-Path: <bounce@mail.example.com>',
    'Message-ID: <5A1B.2C3D@mail.example.com>',
  ].join('\n'));
  checkShape(observations);
  assert.deepEqual(triples(observations), [
    ['text.domain', 'mail.example.com', 1],
    ['text.ip', '192.0.2.1', 1],
    ['text.domain', 'mx.example.org', 2],
    ['text.email', 'bob.smith+news@evil-corp.co.uk', 3],
    ['text.domain', 'evil-corp.co.uk', 3],
    ['text.email', 'bounce@mail.example.com', 4],
    ['text.domain', 'mail.example.com', 4],
    ['text.email', '5A1B.2C3D@mail.example.com', 5],
    ['text.domain', 'mail.example.com', 5],
  ]);
  assert.deepEqual(diagnostics, []);
  assert.equal(reader.records, 5);
  assert.equal(reader.format, 'text');
});

test('a CSV row: address, quoted domain, URL up to the comma, hash; its zoned leading timestamp is ts', () => {
  const { observations } = read('2013-05-02T03:04:05Z,10.0.0.5,"evil.example.net",http://evil.example.net:8080/a/b.php?x=1&y=2#frag,d41d8cd98f00b204e9800998ecf8427e');
  const ts = Date.UTC(2013, 4, 2, 3, 4, 5);
  assert.deepEqual(observations, [
    { field: 'text.ip', kind: 'ip', value: '10.0.0.5', ts, src: null, dst: null, line: 1 },
    { field: 'text.domain', kind: 'domain', value: 'evil.example.net', ts, src: null, dst: null, line: 1 },
    { field: 'text.url', kind: 'url', value: 'http://evil.example.net:8080/a/b.php?x=1&y=2#frag', ts, src: null, dst: null, line: 1 },
    { field: 'text.hash', kind: 'hash', value: 'd41d8cd98f00b204e9800998ecf8427e', ts, src: null, dst: null, line: 1 },
  ]);
});

test('a firewall line: IPv4, IPv6 with ::, a zone id, a bracketed address with a port, an IPv4-mapped address', () => {
  const { observations } = read('Jan  1 00:00:00 fw kernel: DROP IN=eth0 SRC=203.0.113.9 DST=2001:db8::1 SPT=443 LOCAL=fe80::1%eth0 PEER=[2001:db8:0:0:1:0:0:1]:443 MAPPED=::ffff:192.0.2.33.');
  checkShape(observations);
  assert.deepEqual(triples(observations), [
    ['text.ip', '203.0.113.9', 1],
    ['text.ip', '2001:db8::1', 1],
    ['text.ip', 'fe80::1%eth0', 1],
    ['text.ip', '2001:db8:0:0:1:0:0:1', 1],
    ['text.ip', '::ffff:192.0.2.33', 1],
    ['text.ip', '192.0.2.33', 1], // the mapped IPv4 address is an IPv4 token too
  ]);
  assert.equal(observations[0]!.ts, null); // a syslog time has no year or zone
});

test('URLs: ports, queries, user info, brackets and sentence punctuation around them, IPv6 and IPv4 hosts', () => {
  const { observations } = read('GET https://Evil.Example.com:8443/path/x.php?id=1&u=a%20b HTTP/1.1 and ftp://user:pw@files.example.org/pub/, (see http://a.example/path_(x)) [http://b.example/]. http://[2001:db8::2]:8080/x http://198.51.100.7/ip');
  checkShape(observations);
  assert.deepEqual(triples(observations), [
    ['text.url', 'https://Evil.Example.com:8443/path/x.php?id=1&u=a%20b', 1],
    ['text.domain', 'Evil.Example.com', 1],
    ['text.url', 'ftp://user:pw@files.example.org/pub/', 1],
    ['text.domain', 'files.example.org', 1], // and no e-mail address `pw@files.example.org`
    ['text.url', 'http://a.example/path_(x)', 1],
    ['text.domain', 'a.example', 1],
    ['text.url', 'http://b.example/', 1],
    ['text.domain', 'b.example', 1],
    ['text.url', 'http://[2001:db8::2]:8080/x', 1],
    ['text.ip', '2001:db8::2', 1],
    ['text.url', 'http://198.51.100.7/ip', 1],
    ['text.ip', '198.51.100.7', 1],
  ]);
});

test('defanged values and JSON-escaped slashes are reported refanged', () => {
  const { observations } = read('C2: hxxp://evil[.]example/gate.php and hXXps[:]//bad(.)example:443/ and mail user[@]evil[.]com; json "https:\\/\\/json.example\\/p"');
  assert.deepEqual(triples(observations), [
    ['text.url', 'http://evil.example/gate.php', 1],
    ['text.domain', 'evil.example', 1],
    ['text.url', 'https://bad.example:443/', 1],
    ['text.domain', 'bad.example', 1],
    ['text.email', 'user@evil.com', 1],
    ['text.domain', 'evil.com', 1],
    ['text.url', 'https://json.example/p', 1],
    ['text.domain', 'json.example', 1],
  ]);
});

test('hashes embedded in text are whole 32, 40 or 64 hex-digit tokens, case as written', () => {
  const { observations } = read('md5=D41D8CD98F00B204E9800998ECF8427E sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709, (e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855) '
    + 'x2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 d41d8cd98f00b204e9800998ecf8427e0 g41d8cd98f00b204e9800998ecf8427e');
  checkShape(observations);
  assert.deepEqual(triples(observations), [
    ['text.hash', 'D41D8CD98F00B204E9800998ECF8427E', 1],
    ['text.hash', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', 1],
    ['text.hash', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 1],
  ]);
});

test('look-alikes give nothing: versions, 1.2.3.4.5, a..b, bad octets, file names, words with ::, clock times, MACs', () => {
  const { observations, diagnostics } = read([
    'version 2.0.1, build 1.2.3.4.5, a..b, x..y.com.., 10.0.0.256, 010.0.0.1, 1.2.3, v1.2.3.4',
    'netmgr.exe report.pdf readme.txt e.g. i.e. -x-.com john@a.b root@localhost',
    'std::string Foo::Bar 10:20:30.5 00:1a:2b:3c:4d:5e :: a:b http:// http://%s/x http://1.2.3.4.5/ xhttps://evil.example/',
  ].join('\n'));
  assert.deepEqual(triples(observations), [
    ['text.domain', 'y.com', 1], // `x..y.com..`: the double dots end tokens, and y.com is a name
    ['text.domain', 'evil.example', 3], // from `xhttps://evil.example/`: no URL (unknown scheme), but a name
  ]);
  assert.deepEqual(diagnostics, []);
});

test('a real TLD is a domain whatever it looks like (update.zip, clip.mov); a file extension is not (netmgr.exe)', () => {
  const { observations } = read('Download update.zip, then play clip.mov; ignore netmgr.exe and readme.txt. The SRV name is _ldap._tcp.corp.example.COM.');
  assert.deepEqual(triples(observations), [
    ['text.domain', 'update.zip', 1],
    ['text.domain', 'clip.mov', 1],
    ['text.domain', '_ldap._tcp.corp.example.COM', 1],
  ]);
});

test('a value seen twice on a line is one observation; on two lines, two', () => {
  const { observations } = read('evil.example evil.example EVIL.example\nevil.example\n');
  assert.deepEqual(triples(observations), [
    ['text.domain', 'evil.example', 1],
    ['text.domain', 'EVIL.example', 1],
    ['text.domain', 'evil.example', 2],
  ]);
});

test('leading timestamps: taken only with an explicit zone', () => {
  const ts = (s: string) => leadingTimestamp(Buffer.from(s), s.length);
  assert.equal(ts('2024-01-02T03:04:05.123+01:00 x'), Date.UTC(2024, 0, 2, 2, 4, 5, 123));
  assert.equal(ts('2024-01-02T03:04:05+0100 x'), Date.UTC(2024, 0, 2, 2, 4, 5));
  assert.equal(ts('2024-01-02 03:04:05Z x'), Date.UTC(2024, 0, 2, 3, 4, 5));
  assert.equal(ts('2024-01-02t03:04:05.5z'), Date.UTC(2024, 0, 2, 3, 4, 5, 500));
  assert.equal(ts('2024-01-02 03:04:05 x'), null); // no zone: whose local time?
  assert.equal(ts('2024-01-02 03:04:05,123 INFO x'), null);
  assert.equal(ts('2024-13-02T03:04:05Z x'), null);
  assert.equal(ts('2024-01-02T03:04Z'), null);
  assert.equal(ts('Jan  1 00:00:00 x'), null);
  const { observations } = read('2024-01-02T03:04:05-05:00 query evil.example\n');
  assert.deepEqual(observations, [{ field: 'text.domain', kind: 'domain', value: 'evil.example', ts: Date.UTC(2024, 0, 2, 8, 4, 5), src: null, dst: null, line: 1 }]);
});

test(`a line with more than ${MAX_VALUES_PER_LINE} values gives the first ${MAX_VALUES_PER_LINE} and says it was cut`, () => {
  const ips = Array.from({ length: MAX_VALUES_PER_LINE + 5 }, (_, i) => `10.0.${Math.floor(i / 256)}.${i % 256}`);
  const { observations, diagnostics, reader } = read(`first line evil.example\n${ips.join(' ')} tail.example\n`);
  assert.equal(observations.length, 1 + MAX_VALUES_PER_LINE);
  assert.deepEqual(observations.slice(1).map((o) => o.value), ips.slice(0, MAX_VALUES_PER_LINE));
  assert.deepEqual(diagnostics.map((d) => [d.code, d.line, d.reason]), [
    ['too-large', 2, `more than ${MAX_VALUES_PER_LINE} values on the line; the first ${MAX_VALUES_PER_LINE} were taken`],
  ]);
  assert.equal(reader.skipped, 0); // the line was read, only cut
  // The same value a thousand times is one value: no cut.
  assert.deepEqual(read(`${'198.51.100.7 '.repeat(1000)}\n`).diagnostics, []);
});

test('long hostile lines: nothing false, no cut, no exception', () => {
  const cases: Array<[string, Array<[string, string]>]> = [
    [':'.repeat(900_000), []],
    ['a:'.repeat(450_000), []],
    ['1.'.repeat(450_000), []],
    ['a.'.repeat(450_000), []],
    ['.'.repeat(900_000), []],
    ['x@'.repeat(450_000), []],
    ['@'.repeat(900_000) + 'a.example', [['text.domain', 'a.example']]],
    ['[.]'.repeat(300_000), []],
    ['hxxp'.repeat(200_000), []],
    // A URL's host needs a dot, not a real TLD (the scheme already says it is a host).
    ['http://intranet/ http://%s/x http://a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q/', [['text.url', 'http://a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q/'], ['text.domain', 'a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q']]],
    ['f'.repeat(900_000), []],
    ['http://evil.example/' + ')'.repeat(900_000), [['text.url', 'http://evil.example/'], ['text.domain', 'evil.example']]],
    ['http://'.repeat(120_000), []],
  ];
  for (const [line, want] of cases) {
    const { observations, diagnostics } = read(line);
    assert.deepEqual(observations.map((o) => [o.field, o.value]), want, line.slice(0, 20));
    assert.deepEqual(diagnostics, [], line.slice(0, 20));
  }
});

test('NULs, control bytes and invalid UTF-8 between values: the values are still found', () => {
  const line = Buffer.concat([Buffer.from('\0\0evil.example\x01'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('198.51.100.7\x7f\u201chttp://c.example/q\u201d')]);
  const { observations } = read(line);
  assert.deepEqual(triples(observations), [
    ['text.domain', 'evil.example', 1],
    ['text.ip', '198.51.100.7', 1],
    ['text.url', 'http://c.example/q', 1],
    ['text.domain', 'c.example', 1],
  ]);
});

// ---- Real data, with the expected values computed by grep and sed (not by Sightline) ----

/** Runs a shell pipeline over `file` ($1) and returns its distinct output lines, or null when the tools are missing. */
function shell(pipeline: string, file: string): string[] | null {
  const r = spawnSync('sh', ['-c', pipeline, 'sh', file], { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 });
  if (r.error || (r.status !== 0 && r.status !== 1)) return null;
  return [...new Set(r.stdout.split('\n').filter((l) => l !== ''))].sort();
}

/** Distinct values of `field` the reader finds in `file`, sorted. */
function readerValues(file: string, field: string): string[] {
  const r = new TextReader(file);
  const sink = collectingSink();
  readBuffer(r, readFileSync(file), sink);
  assert.deepEqual(sink.diagnostics, []);
  return [...new Set(sink.observations.filter((o) => o.field === field).map((o) => o.value))].sort();
}

const hasTools = spawnSync('sh', ['-c', 'echo a | grep -oE a | sed -E s/a/b/ | sort -u'], { encoding: 'utf8' }).stdout === 'b\n';
const noTools = hasTools ? false : 'sh, grep, sed or sort is missing';

// A token is a maximal run of [A-Za-z0-9._-] with dots and hyphens trimmed from its ends.
const TOKENS = `grep -oE '[A-Za-z0-9._-]+' "$1" | sed -E 's/^[.-]+//; s/[.-]+$//'`;
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';

test('a real squid log read as text: its IPv4 addresses, URLs and .com/.net/.org names are what grep finds', { skip: noTools || skipUnlessShared('logs', 'squid') }, () => {
  const file = sharedData('logs', 'squid', 'squidview-example.access.log')!;
  const ips = shell(`${TOKENS} | grep -xE '(${OCTET}\\.){3}${OCTET}'`, file)!;
  assert.ok(ips.length > 10);
  assert.deepEqual(readerValues(file, 'text.ip'), ips);
  // URLs: a known scheme up to a stop character, sentence punctuation trimmed.
  const urls = shell(`grep -oE "(https?|ftp)://[^][:space:]\\"'<>\\\`\\\\|,[]+" "$1" | sed -E 's/[.,;:!?]+$//'`, file)!;
  assert.ok(urls.length > 10);
  assert.deepEqual(readerValues(file, 'text.url'), urls);
  // Names under a few certain TLDs (the reader's TLD list is the Public Suffix List; grep knows none).
  const names = shell(`${TOKENS} | grep -xE '([A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?\\.)+(com|net|org)' | grep -vE '\\.\\.'`, file)!;
  assert.ok(names.length > 10);
  assert.deepEqual(readerValues(file, 'text.domain').filter((d) => /\.(com|net|org)$/.test(d)), names);
});

test('a real Sysmon JSON log read as text: its hashes are what grep finds', { skip: noTools || skipUnlessShared('logs', 'sysmon') }, () => {
  const file = sharedData('logs', 'sysmon', 'otrf_cmd_discover_iexplorer_version_registry_2020-10-2123281491.json')!;
  const hashes = shell(`grep -oE '[A-Za-z0-9]+' "$1" | grep -xE '[0-9A-Fa-f]{32}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64}'`, file)!;
  assert.ok(hashes.length > 10);
  assert.deepEqual(readerValues(file, 'text.hash'), hashes);
});

test('a real Zeek DNS log with IPv6 read as text: its IPv6 addresses are what grep and node:net find', { skip: noTools || skipUnlessShared('zeek', 'zeek-btest-baselines') }, () => {
  const file = sharedData('zeek', 'zeek-btest-baselines', 'core.ipv6-frag__dns.log')!;
  const runs = shell(`grep -oE '[A-Za-z0-9:.]+' "$1" | sed -E 's/\\.+$//'`, file)!;
  const v6 = runs.filter((r) => isIPv6(r) && /[0-9a-f]/i.test(r));
  assert.ok(v6.length >= 2);
  assert.deepEqual(readerValues(file, 'text.ip').filter((v) => v.includes(':')), v6);
});

// ---- Hostile input ----

test('fuzz: mutated real and crafted lines never throw; diagnostics carry the line number', () => {
  const crafted = Buffer.from([
    'Received: from mail.example.com (mail.example.com [192.0.2.1]) <bob@evil-corp.co.uk>',
    'hxxps[:]//evil[.]example:8443/a?b=c http://[2001:db8::2]:8080/x fe80::1%eth0 ::ffff:192.0.2.33',
    'd41d8cd98f00b204e9800998ecf8427e,10.0.0.5,"evil.example.net",2024-01-02T03:04:05Z',
  ].join('\n'));
  const squid = sharedData('logs', 'squid', 'squidview-example.access.log');
  const lines = [...splitLines(crafted), ...(squid ? splitLines(readFileSync(squid), 10) : [])];
  fuzzLines(lines, () => new TextReader('x.txt'), { seed: 4242, numRuns: 300, maxOffset: 200, maxInsert: 8 });
});

test('property: any bytes give only values the matcher accepts, at most the cap per line, and no bad-record diagnostics', () => {
  const alphabet = [...'.:@/[]()%-_ aefx19hpt,"\'<>\\', '\0', '\x7f', '\u00ff', 'http://', 'hxxp', '::', '[.]', 'example', 'com', '@evil.com', '2001:db8'];
  fc.assert(fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 120 }), (parts) => {
    const { observations, diagnostics } = read(Buffer.from(parts.join(''), 'latin1'));
    for (const d of diagnostics) assert.equal(d.code, 'too-large');
    assert.ok(observations.length <= MAX_VALUES_PER_LINE);
    for (const o of observations) {
      switch (o.kind) {
        case 'domain': assert.ok(normalizeDomain(o.value) !== null && o.value.includes('.'), o.value); break;
        case 'ip': assert.ok(parseIPv4(o.value) !== null || parseIPv6(o.value) !== null, o.value); break;
        case 'url': assert.ok(normalizeUrl(o.value) !== null, o.value); break;
        case 'email': assert.ok(normalizeEmail(o.value) !== null, o.value); break;
        case 'hash': assert.match(o.value, /^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/); break;
        default: assert.fail(`unexpected kind ${o.kind}`);
      }
    }
  }), { seed: 77, numRuns: 2000 });
});

/** Lines of many short distinct values of every kind, some past the cap, some defanged. */
const manyValues = fc.array(fc.oneof(
  fc.nat(255).map((n) => `10.1.${n >> 4}.${n}`),
  fc.nat(4095).map((n) => `::${n.toString(16)}`),
  fc.nat(4095).map((n) => `fe80:${n.toString(16)}::1%eth0`),
  fc.nat(9999).map((n) => `a${n}.com`),
  fc.nat(9999).map((n) => `u${n}@x${n}.org`),
  fc.nat(9999).map((n) => `http://h${n}.io/p`),
  fc.nat(9999).map((n) => `hxxp://d${n}[.]net`),
  fc.nat(0xffffff).map((n) => n.toString(16).padStart(32, '0')),
  fc.constantFrom('word', '...', ':::', '1.2', 'x.y', '@'),
), { maxLength: 700 }).chain((tokens) => fc.constantFrom(' ', ',', '.', ':', '/').map((sep) => tokens.join(sep)));

test('mayExceedValues: a line it passes (false) is never cut by scanLine', () => {
  fc.assert(fc.property(manyValues, (line) => {
    const b = Buffer.from(line, 'latin1');
    if (mayExceedValues(b, b.length)) return;
    const r = scanLine(b, b.length);
    assert.equal(r.cut, false);
    assert.ok(r.values.length <= MAX_VALUES_PER_LINE);
  }), { seed: 2026, numRuns: 1500 });
  // 513 distinct addresses may exceed the cap; 50 (150 dots, counted as up to 300 values) may not.
  const ips = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}`).join(' '));
  assert.equal(mayExceedValues(ips(513), ips(513).length), true);
  assert.equal(mayExceedValues(ips(50), ips(50).length), false);
});

/** A filter that can match nothing of any kind (a case holding only YARA rules), or only `kinds`. */
const filterOf = (kinds: readonly string[]): ObservationFilter => ({ mayMatchBytes: () => kinds.length > 0, mayMatchKind: (k) => kinds.includes(k) });

test('a text reader whose filter can match no text value counts the same records and reports the same cut lines, without the values', () => {
  const ips = Array.from({ length: MAX_VALUES_PER_LINE + 5 }, (_, i) => `10.0.${Math.floor(i / 256)}.${i % 256}`);
  const text = `first line evil.example\n\n${ips.join(' ')} tail.example\nlast http://a.example/ d41d8cd98f00b204e9800998ecf8427e`;
  const plain = read(text);
  const r = createLineReader('text', 'notes.txt');
  r.setFilter!(filterOf([]));
  const sink = collectingSink();
  readBuffer(r, Buffer.from(text), sink);
  assert.deepEqual([r.records, r.skipped], [plain.reader.records, plain.reader.skipped]);
  assert.deepEqual([r.records, r.skipped], [3, 0]);
  assert.deepEqual(sink.diagnostics, plain.diagnostics);
  assert.equal(sink.diagnostics.length, 1, 'the cut line is still reported');
  // Lines that cannot be cut give no values; the cut line was scanned (its values find nothing in such a filter).
  assert.deepEqual([...new Set(sink.observations.map((o) => o.line))], [3]);
  // A filter that may match one kind of text value reads every line.
  const some = createLineReader('text', 'notes.txt');
  some.setFilter!(filterOf(['hash']));
  const all = collectingSink();
  readBuffer(some, Buffer.from(text), all);
  assert.deepEqual(triples(all.observations), triples(plain.observations));
  // Any lines: the same records, skips and diagnostics with the blind filter as without.
  fc.assert(fc.property(fc.array(manyValues, { maxLength: 4 }), (lines) => {
    const input = Buffer.from(lines.join('\n'), 'latin1');
    const want = read(input);
    const blind = createLineReader('text', 'notes.txt');
    blind.setFilter!(filterOf([]));
    const got = collectingSink();
    readBuffer(blind, input, got);
    assert.deepEqual([blind.records, blind.skipped, got.diagnostics], [want.reader.records, want.reader.skipped, want.diagnostics]);
  }), { seed: 2027, numRuns: 300 });
});
