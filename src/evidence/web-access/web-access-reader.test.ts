import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { collectingSink, readBuffer } from '../line-reader.js';
import { fuzzLines } from '../testing/fuzz-lines.js';
import { WebAccessReader, WebAccessRecordReader, accessRecordUrl, parseAccessLogTime, type AccessRecord } from './web-access-reader.js';

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

test('records: client, vhost, time, request and user agent of each line; the URL as http.url gives it; bad lines as the reader reports them', () => {
  const got: [number, AccessRecord][] = [];
  const reader = new WebAccessRecordReader('access.log', (r, line) => got.push([line, r]));
  const sink = collectingSink();
  readBuffer(reader, Buffer.from([
    ...LINES,
    '# a comment',
    '192.0.2.11 - - [10/Oct/2000:13:55:36 -0700] "GET /common HTTP/1.0" 200 1',
    '192.0.2.12 - - [10/Oct/2000:13:55:36 -0700] "-" 408 0 "-" "-"',
    'not a record',
  ].join('\n')), sink);
  assert.deepEqual(sink.observations, []);
  assert.deepEqual(sink.diagnostics.map((d) => `${d.line}: ${d.reason}`), ['10: not a web access record']);
  assert.deepEqual([reader.records, reader.skipped], [8, 1]);
  assert.deepEqual(got.map(([line, r]) => [line, r.src, r.vhost?.host ?? null, r.ts, r.method, r.target ?? null, accessRecordUrl(r), r.userAgent]), [
    [1, '127.0.0.1', null, T, 'GET', '/apache_pb.gif', null, 'Mozilla/4.08'],
    [2, '192.0.2.7', 'www.corp.example', T, 'GET', '/owa/auth.aspx?x=\\"1\\"', 'https://www.corp.example/owa/auth.aspx?x=\\"1\\"', 'UA'],
    [3, '2001:db8::7', 'intranet.corp.example', T, 'POST', '/upload', 'http://intranet.corp.example:8080/upload', 'UA'],
    [4, '192.0.2.8', null, T, 'GET', 'http://proxy.abuse.example/x', 'http://proxy.abuse.example/x', '-'],
    [5, '192.0.2.9', null, T, 'CONNECT', 'tunnel.evil.example:443', null, '-'],
    [6, '192.0.2.10', null, T, '\\x16\\x03\\x01', null, null, '-'],
    [8, '192.0.2.11', null, T, 'GET', '/common', null, null],
    [9, '192.0.2.12', null, T, '-', null, null, '-'],
  ]);
});

test('fuzz: mutated access lines never throw; diagnostics carry the line number', () => {
  const lines = LINES.map((l) => Buffer.from(l));
  fuzzLines(lines, () => new WebAccessReader('f.log'), { seed: 13, numRuns: 300, maxOffset: 200, maxEdits: 15 });
  fuzzLines(lines, () => new WebAccessRecordReader('f.log', () => undefined), { seed: 14, numRuns: 300, maxOffset: 200, maxEdits: 15 });
});

const TESTDATA = fileURLToPath(new URL('./testdata/', import.meta.url));

/**
 * What a recording should give, worked out by awk alone. The vhost form
 * (`host:port client …`) gives the host, the URL (`http://host:port` + a
 * relative target, or an absolute target as is) and the client; combined
 * gives the host and URL only for an absolute target, and always the client.
 * Rows: line, field, value, src, dst, and the stamp rewritten for GNU date.
 */
const AWK_EXPECTED = String.raw`{
  v = (vhost == 1); client = v ? $2 : $1; dst = "null"
  stamp = $0; sub(/^[^[]*\[/, "", stamp); sub(/\].*$/, "", stamp); sub(/:/, " ", stamp); gsub(/\//, " ", stamp)
  req = $0; sub(/^[^"]*"/, "", req); sub(/".*$/, "", req); split(req, r, " "); target = r[2]
  if (v) { split($1, hp, ":"); host = hp[1]; port = hp[2]; dst = host }
  if (target ~ /^http:\/\//) {
    h = target; sub(/^http:\/\//, "", h); sub(/[\/:].*$/, "", h); if (v) h = host
    print NR "\thttp.host\t" h "\t" client "\t" dst "\t" stamp; print NR "\thttp.url\t" target "\t" client "\t" dst "\t" stamp
  } else if (v) {
    print NR "\thttp.host\t" host "\t" client "\t" dst "\t" stamp; print NR "\thttp.url\thttp://" host ":" port target "\t" client "\t" dst "\t" stamp
  }
  print NR "\tconn.orig_h\t" client "\t" client "\t" dst "\t" stamp
}`;

function expectedRows(file: string, vhost: boolean): (string | number | null)[][] | null {
  try {
    const rows = execFileSync('awk', ['-v', `vhost=${vhost ? 1 : 0}`, AWK_EXPECTED, file], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split('\t'));
    const epochs = execFileSync('date', ['-u', '-f', '-', '+%s%3N'], { input: rows.map((r) => r[5]).join('\n') + '\n', encoding: 'utf8' }).trim().split('\n');
    return rows.map(([line, field, value, src, dst], i) => [Number(line), field!, value!, Number(epochs[i]), src!, dst === 'null' ? null : dst!]);
  } catch {
    return null;
  }
}

for (const [name, vhost] of [['access-combined.log', false], ['access-vhost.log', true]] as const) {
  const file = `${TESTDATA}${name}`;
  test(`nginx 1.22 recording (${vhost ? 'vhost_combined' : 'combined'}, +0800 stamps): every request's client, host, URL and time`, { skip: existsSync(file) ? false : `${file} is absent` }, (t) => {
    const reader = new WebAccessReader('access.log');
    const sink = collectingSink();
    readBuffer(reader, readFileSync(file), sink);
    assert.deepEqual(sink.diagnostics, []);
    const want = expectedRows(file, vhost);
    if (want === null) { t.skip('awk or GNU date is missing; they compute the expected values'); return; }
    assert.deepEqual(sink.observations.map((o) => [o.line!, o.field, o.value, o.ts, o.src, o.dst]), want);
    // What curl sent (record.sh wrote it): client, Host, method, target; the log says the same.
    const asked = readFileSync(`${TESTDATA}requests.tsv`, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    const logged = readFileSync(file, 'utf8').trim().split('\n').map((l) => {
      const f = l.split(' ');
      const req = l.slice(l.indexOf('"') + 1).split(' ');
      return vhost ? [f[1], f[0]!.replace(/:\d+$/, ''), req[0], req[1]] : [f[0], req[0], req[1]];
    });
    assert.deepEqual(logged, asked.map(([c, h, m, u]) => vhost ? [c, h, m, u] : [c, m, u]));
    assert.deepEqual([reader.records, reader.skipped], [asked.length, 0]);
  });
}
