import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectingSink, readBuffer } from '../line-reader.js';
import { fuzzLines } from '../testing/fuzz-lines.js';
import { WebAccessReader, parseAccessLogTime } from './web-access-reader.js';

function read(text: string) {
  const reader = new WebAccessReader('access.log');
  const sink = collectingSink();
  readBuffer(reader, Buffer.from(text, 'utf8'), sink);
  return { reader, ...sink };
}

const T = Date.UTC(2000, 9, 10, 20, 55, 36); // 10/Oct/2000:13:55:36 -0700
const LINES = [
  '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08"',
  'www.corp.example:443 192.0.2.7 - - [10/Oct/2000:13:55:36 -0700] "GET /owa/auth.aspx?x=\\"1\\" HTTP/1.1" 302 0 "-" "UA"',
  'intranet.corp.example:8080 2001:db8::0:7 - - [10/Oct/2000:13:55:36 -0700] "POST /upload HTTP/1.1" 200 5 "-" "UA"',
  '192.0.2.8 - - [10/Oct/2000:13:55:36 -0700] "GET http://proxy.abuse.example/x HTTP/1.1" 404 0 "-" "-"',
  '192.0.2.9 - - [10/Oct/2000:13:55:36 -0700] "CONNECT tunnel.evil.example:443 HTTP/1.1" 405 0 "-" "-"',
  '192.0.2.10 - - [10/Oct/2000:13:55:36 -0700] "\\x16\\x03\\x01" 400 0 "-" "-"',
];

test('combined and vhost_combined lines', () => {
  const r = read(LINES.join('\n'));
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.observations.map((o) => [o.field, o.kind, o.value, o.ts, o.src, o.dst, o.line]), [
    ['conn.orig_h', 'ip', '127.0.0.1', T, '127.0.0.1', null, 1],
    ['http.host', 'domain', 'www.corp.example', T, '192.0.2.7', 'www.corp.example', 2],
    ['http.url', 'url', 'https://www.corp.example/owa/auth.aspx?x=\\"1\\"', T, '192.0.2.7', 'www.corp.example', 2],
    ['conn.orig_h', 'ip', '192.0.2.7', T, '192.0.2.7', 'www.corp.example', 2],
    ['http.host', 'domain', 'intranet.corp.example', T, '2001:db8::7', 'intranet.corp.example', 3],
    ['http.url', 'url', 'http://intranet.corp.example:8080/upload', T, '2001:db8::7', 'intranet.corp.example', 3],
    ['conn.orig_h', 'ip', '2001:db8::7', T, '2001:db8::7', 'intranet.corp.example', 3],
    ['http.host', 'domain', 'proxy.abuse.example', T, '192.0.2.8', null, 4],
    ['http.url', 'url', 'http://proxy.abuse.example/x', T, '192.0.2.8', null, 4],
    ['conn.orig_h', 'ip', '192.0.2.8', T, '192.0.2.8', null, 4],
    ['http.host', 'domain', 'tunnel.evil.example', T, '192.0.2.9', null, 5],
    ['conn.orig_h', 'ip', '192.0.2.9', T, '192.0.2.9', null, 5],
    ['conn.orig_h', 'ip', '192.0.2.10', T, '192.0.2.10', null, 6],
  ]);
  assert.deepEqual([r.reader.records, r.reader.skipped], [6, 0]);
});

test('bad lines are diagnostics; records with a date not understood are read without time, said once', () => {
  const r = read([
    'just text',
    '1.2.3.4 - - [99/Xyz/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1',
    '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0',
    '\x00\x01',
    '1.2.3.5 - - [yesterday] "GET / HTTP/1.0" 200 1',
  ].join('\n'));
  assert.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}:${d.line}: ${d.reason}`), [
    'error bad-record access.log:1: not a web access record',
    'warning no-timestamp access.log:2: timestamp "99/Xyz/2000:13:55:36 -0700" not understood; sightings from this file carry no time (further lines not reported)',
    'error bad-record access.log:3: not a web access record',
    'error bad-record access.log:4: not a web access record',
  ]);
  assert.deepEqual(r.observations.map((o) => [o.field, o.value, o.ts, o.line]), [
    ['conn.orig_h', '1.2.3.4', null, 2], ['conn.orig_h', '1.2.3.5', null, 5],
  ]);
  assert.deepEqual([r.reader.records, r.reader.skipped], [2, 3]);
  assert.equal(parseAccessLogTime('10/Oct/2000:13:55:36 +0000'), Date.UTC(2000, 9, 10, 13, 55, 36));
});

test('fuzz: mutated access lines never throw; diagnostics carry the line number', () => {
  const lines = LINES.map((l) => Buffer.from(l));
  fuzzLines(lines, () => new WebAccessReader('f.log'), { seed: 13, numRuns: 300, maxOffset: 200, maxEdits: 15 });
});
