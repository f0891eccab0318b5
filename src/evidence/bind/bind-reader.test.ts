import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sharedData, skipUnlessShared } from '../../core/test-data.js';
import { collectingSink, readBuffer } from '../line-reader.js';
import { fuzzLines } from '../testing/fuzz-lines.js';
import { BindReader, parseBindTime } from './bind-reader.js';

const LOGS = 'logs/bind';

function read(buf: Buffer) {
  const reader = new BindReader('named.log');
  const sink = collectingSink();
  readBuffer(reader, buf, sink);
  return { reader, ...sink };
}

const rows = (r: ReturnType<typeof read>) => r.observations.map((o) => [o.value, o.ts, o.src, o.line]);

test('crowdsec bind9 native log: denied queries, AXFR, category prefixes, ::1 clients', { skip: skipUnlessShared(LOGS) }, () => {
  const r = read(readFileSync(sharedData(LOGS, 'crowdsec-hub_bind9-logs.log')!));
  assert.deepEqual(r.diagnostics, []);
  assert.ok(r.observations.every((o) => o.field === 'dns.query' && o.kind === 'domain' && o.dst === null));
  assert.deepEqual(rows(r), [
    ['example.com', Date.UTC(2022, 9, 19, 5, 34, 2, 425), '192.168.1.1', 1],
    ['example.com', Date.UTC(2022, 9, 19, 5, 34, 3, 425), '192.168.1.1', 2],
    ['example.com', Date.UTC(2022, 9, 20, 8, 30, 43, 685), '192.168.1.2', 3],
    ['example.com', Date.UTC(2022, 10, 3, 13, 34, 52, 235), '::1', 4],
    ['example.com', Date.UTC(2022, 10, 3, 13, 37, 23, 345), '::1', 5],
    ['example.com', Date.UTC(2022, 10, 3, 13, 37, 37, 525), '::1', 6],
    ['example.com', Date.UTC(2022, 10, 3, 13, 38, 37, 525), '::1', 7],
    ['example.com', null, '::1', 8],
    ['example.com', null, '::1', 9],
    ['wr_test', Date.UTC(2025, 1, 6, 10, 32, 43, 895), '192.168.1.1', 10],
    ['example.com', Date.UTC(2022, 9, 19, 5, 34, 2, 426), '192.168.1.1', 11],
    ['example.com', Date.UTC(2022, 9, 19, 5, 34, 3, 426), '192.168.1.1', 12],
    ['wr_test', Date.UTC(2025, 1, 6, 10, 32, 43, 896), '192.168.1.1', 13],
  ]);
});

test('syslog-wrapped and fail2ban files: year-less syslog stamps give ts null; root queries give nothing', { skip: skipUnlessShared(LOGS) }, () => {
  const sys = read(readFileSync(sharedData(LOGS, 'crowdsec-hub_bind9-syslog.log')!));
  assert.deepEqual([sys.reader.records, sys.observations.length, sys.diagnostics.length], [12, 12, 0]);
  assert.deepEqual(rows(sys)[3], ['example.com', Date.UTC(2022, 10, 3, 13, 34, 52, 235), '2003:f8:733:b600:6018:bbe4:d0ed:22', 4]);
  assert.deepEqual(rows(sys)[7], ['example.com', null, '2003:f8:733:b600:6018:bbe4:d0ed:22', 8]);
  const f2b = read(readFileSync(sharedData(LOGS, 'fail2ban-tests-named-refused.log')!));
  assert.deepEqual([f2b.reader.records, f2b.observations.length, f2b.diagnostics.length], [15, 13, 0]);
  assert.deepEqual(rows(f2b).slice(0, 2), [['ricreig.com', null, '194.145.196.18', 2], ['ricreig.com', null, '62.123.164.113', 4]]);
  const refused = read(readFileSync(sharedData(LOGS, 'crowdsec-hub_bind9-refused.log')!));
  assert.deepEqual([refused.reader.records, refused.observations.length, refused.diagnostics.length], [23, 23, 0]);
});

test('query-log lines (queries: info: … query: name IN A), other lines, garbage', () => {
  const text = [
    '27-Nov-2026 14:14:05.123 queries: info: client @0x7f2a1c00a1b0 10.0.0.5#53124 (www.evil.example): query: www.evil.example IN A +E(0)K (10.0.0.53)',
    'Nov 27 14:14:06 ns1 named[811]: client @0x7f2a 2001:db8::5#5353 (b\u00fccher.example): view internal: query: b\u00fccher.example IN AAAA + (10.0.0.53)',
    '27-Nov-2026 14:14:07.000 general: info: zone example.com/IN: loaded serial 2026112701',
    '27-Nov-2026 14:14:08.000 client nonsense here',
    '\x00\x01binary',
  ].join('\n');
  const r = read(Buffer.from(text, 'utf8'));
  assert.deepEqual(rows(r), [
    ['www.evil.example', Date.UTC(2026, 10, 27, 14, 14, 5, 123), '10.0.0.5', 1],
    ['bücher.example', null, '2001:db8::5', 2],
  ]);
  assert.deepEqual(r.diagnostics.map((d) => `${d.line}: ${d.reason}`), [
    '4: not a bind client record: client nonsense here',
    '5: not a bind record (control bytes)',
  ]);
  assert.equal(parseBindTime('31-Foo-2020 00:00:00'), null);
});

test('fuzz: mutated bind lines never throw; diagnostics carry the line number', { skip: skipUnlessShared(LOGS) }, () => {
  const lines = readFileSync(sharedData(LOGS, 'crowdsec-hub_bind9-syslog.log')!).toString('latin1').split('\n').map((l) => Buffer.from(l, 'latin1'));
  fuzzLines(lines, () => new BindReader('f.log'), { seed: 5, numRuns: 300, maxOffset: 250, maxEdits: 20 });
});
