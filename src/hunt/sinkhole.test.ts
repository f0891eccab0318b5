import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectingSink } from '../evidence/line-reader.js';
import { EXCLUDED_FIELDS } from '../store/rollup.js';
import {
  createSinkholeReader, SINKHOLE_FIELDS, ExclusionsError, loadExclusions, parseExclusions, readExclusionsFile, SinkholeClassifier, type SinkholeExclusions,
} from './sinkhole.js';
import type { RawSighting } from './match.js';

test('the fields of clients counted apart are the ones the store\'s roll-ups count apart', () => {
  assert.deepEqual(Object.keys(EXCLUDED_FIELDS).sort(), [SINKHOLE_FIELDS.crawler, SINKHOLE_FIELDS.scanner].sort());
  assert.ok(!(SINKHOLE_FIELDS.request in EXCLUDED_FIELDS));
});

test('the shipped exclusions load, and every entry names where it comes from', () => {
  const x = loadExclusions();
  assert.ok(x.crawlers.length >= 20);
  assert.ok(x.scanners.some((s) => s.name === 'Censys' && s.cidrs.includes('162.142.125.0/24')));
  for (const e of [...x.crawlers, ...x.scanners]) assert.ok(e.source && e.source.length > 10, e.name);
});

test('the classifier: scanners by address (IPv4, IPv6, IPv4-mapped) or user agent, crawlers by user agent, conservative about the rest', () => {
  const c = new SinkholeClassifier(loadExclusions());
  const MSIE = 'Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)';
  const cases: [string, string | null, string][] = [
    ['10.1.1.1', MSIE, 'sinkhole.request'],
    ['10.1.1.1', null, 'sinkhole.request'],
    ['10.1.1.1', '-', 'sinkhole.request'],
    ['66.249.66.1', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'sinkhole.crawler'],
    ['10.1.1.1', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 'sinkhole.crawler'],
    ['10.1.1.1', 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)', 'sinkhole.crawler'],
    ['10.1.1.1', 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'sinkhole.crawler'],
    ['10.1.1.1', 'Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)', 'sinkhole.scanner'],
    ['10.1.1.1', 'Mozilla/5.0 zgrab/0.x', 'sinkhole.scanner'],
    ['162.142.125.200', MSIE, 'sinkhole.scanner'],
    ['162.142.125.200', 'Googlebot', 'sinkhole.scanner'],
    ['::ffff:162.142.125.1', MSIE, 'sinkhole.scanner'],
    ['2602:80d:1000:b0cc:e::42', MSIE, 'sinkhole.scanner'],
    ['185.194.94.179', MSIE, 'sinkhole.scanner'],
    ['185.194.94.180', MSIE, 'sinkhole.request'],
    // Generic HTTP clients are not listed: an implant may use them.
    ['10.1.1.1', 'curl/7.88.1', 'sinkhole.request'],
    ['10.1.1.1', 'python-requests/2.31.0', 'sinkhole.request'],
    ['10.1.1.1', 'Go-http-client/1.1', 'sinkhole.request'],
    ['host.example', MSIE, 'sinkhole.request'],
  ];
  for (const [client, ua, want] of cases) assert.equal(c.classify(client, ua), want, `${client} ${ua}`);
  // Twice, from the cache.
  for (const [client, ua, want] of cases) assert.equal(c.classify(client, ua), want, `${client} ${ua} (again)`);
});

test('exclusions files: errors name the path and the entry', () => {
  const ok = parseExclusions({ crawlers: [{ name: 'curl', pattern: '^curl/' }], scanners: [{ name: 'lab', cidrs: ['198.51.100.0/24', '2001:DB8::1'] }] }, 'x.json');
  assert.deepEqual(ok, { crawlers: [{ name: 'curl', pattern: '^curl/' }], scanners: [{ name: 'lab', cidrs: ['198.51.100.0/24', '2001:db8::1'] }] });
  const bad: [unknown, string][] = [
    [[], 'x.json: not an exclusions file: expected {"crawlers": [...], "scanners": [...]}'],
    [{}, 'x.json: no "crawlers" and no "scanners": nothing to exclude'],
    [{ crawler: [] }, 'x.json: unknown key "crawler" (known: crawlers, scanners, comment)'],
    [{ crawlers: {} }, 'x.json: crawlers: not an array'],
    [{ crawlers: [1] }, 'x.json: crawlers[0]: not an object'],
    [{ crawlers: [{ name: 'a' }] }, 'x.json: crawlers[0].pattern: missing or not a non-empty string'],
    [{ crawlers: [{ name: '', pattern: 'a' }] }, 'x.json: crawlers[0].name: missing or not a non-empty string'],
    [{ crawlers: [{ name: 'a', pattern: 'a', patern: 'b' }] }, 'x.json: crawlers[0]: unknown key "patern" (known: name, pattern, source)'],
    [{ scanners: [{ name: 'a' }] }, 'x.json: scanners[0]: neither "cidrs" nor "pattern": it would exclude nothing'],
    [{ scanners: [{ name: 'a', cidrs: ['10.0.0.1/8'] }] }, 'x.json: scanners[0].cidrs[0]: "10.0.0.1/8" has host bits set (the network is 10.0.0.0/8)'],
    [{ scanners: [{ name: 'a', cidrs: ['10.0.0.300'] }] }, 'x.json: scanners[0].cidrs[0]: "10.0.0.300" is not an IPv4 or IPv6 address or CIDR'],
    [{ scanners: [{ name: 'a', cidrs: 'x' }] }, 'x.json: scanners[0].cidrs: not an array'],
  ];
  for (const [data, msg] of bad) assert.throws(() => parseExclusions(data, 'x.json'), (e: Error) => e instanceof ExclusionsError && e.message === msg, msg);
  assert.throws(() => parseExclusions({ crawlers: [{ name: 'a', pattern: '(' }] }, 'x.json'),
    (e: Error) => e instanceof ExclusionsError && e.message.startsWith('x.json: crawlers[0].pattern: not a regular expression ('));
  const dir = mkdtempSync(join(tmpdir(), 'sightline-excl-'));
  try {
    writeFileSync(join(dir, 'bad.json'), '{"crawlers": [');
    assert.throws(() => readExclusionsFile(join(dir, 'bad.json')), (e: Error) => e.message.startsWith(`${join(dir, 'bad.json')}: not JSON (`));
    assert.throws(() => readExclusionsFile(join(dir, 'none.json')), (e: Error) => e.message === `${join(dir, 'none.json')}: cannot read: ENOENT`);
    writeFileSync(join(dir, 'more.json'), JSON.stringify({ crawlers: [{ name: 'curl', pattern: '^curl/' }] }));
    const x = loadExclusions([join(dir, 'more.json')]);
    assert.equal(x.crawlers.at(-1)!.name, 'curl');
    assert.equal(new SinkholeClassifier(x).classify('10.0.0.1', 'curl/8.0'), 'sinkhole.crawler');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the sinkhole reader: one sighting per HTTP request, none for a connection that sent no request', () => {
  const exclusions: SinkholeExclusions = { crawlers: [{ name: 'Googlebot', pattern: 'Googlebot' }], scanners: [{ name: 'lab', cidrs: ['198.51.100.0/24'] }] };
  const out: RawSighting[] = [];
  const reader = createSinkholeReader('sinkhole.log', { indicatorId: 9, exclusions }, ['hostid'], (s) => out.push(s));
  const sink = collectingSink();
  const lines = [
    'c2.example:443 10.0.0.1 - - [01/Jun/2013:00:00:00 +0000] "POST /nt.php?hostid=H1 HTTP/1.1" 200 0 "-" "MSIE"',
    '10.0.0.2 - - [01/Jun/2013:00:00:01 +0000] "-" 408 0 "-" "-"',
    '10.0.0.3 - - [01/Jun/2013:00:00:02 +0000] "\\x16\\x03\\x01" 400 0 "-" "-"',
    '198.51.100.7 - - [01/Jun/2013:00:00:03 +0000] "GET http://c2.example/?hostid=S HTTP/1.1" 200 0 "-" "Googlebot"',
    '10.0.0.4 - - [01/Jun/2013:00:00:04 +0000] "GET /x HTTP/1.0" 200 0',
  ];
  lines.forEach((l, i) => reader.readLine(Buffer.from(l), i + 1, sink));
  assert.deepEqual(sink.diagnostics, []);
  assert.deepEqual([reader.records, reader.skipped, reader.format], [5, 0, 'web-access']);
  const t = Date.UTC(2013, 5, 1);
  assert.deepEqual(out, [
    { indicatorId: 9, matched: 'https://c2.example/nt.php?hostid=H1', field: 'sinkhole.request', ts: t, src: '10.0.0.1', dst: 'c2.example', line: 1, hostId: 'H1' },
    { indicatorId: 9, matched: 'http://c2.example/?hostid=S', field: 'sinkhole.scanner', ts: t + 3000, src: '198.51.100.7', dst: null, line: 4, hostId: 'S' },
    { indicatorId: 9, matched: '/x', field: 'sinkhole.request', ts: t + 4000, src: '10.0.0.4', dst: null, line: 5 },
  ]);
});
