import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sharedData, skipUnlessShared } from '../../core/test-data.js';
import { collectingSink, readBuffer } from '../line-reader.js';
import { fuzzLines } from '../testing/fuzz-lines.js';
import { SquidReader } from './squid-reader.js';

const LOGS = 'logs/squid';
const RECORDED = fileURLToPath(new URL('./testdata/access.log', import.meta.url));
const REQUESTS = fileURLToPath(new URL('./testdata/requests.tsv', import.meta.url));

function read(buf: Buffer) {
  const reader = new SquidReader('access.log');
  const sink = collectingSink();
  readBuffer(reader, buf, sink);
  return { reader, ...sink };
}

const rows = (r: ReturnType<typeof read>) => r.observations.map((o) => [o.field, o.kind, o.value, o.ts, o.src, o.dst, o.line]);

test('fail2ban squid lines: comments skipped, DENIED GETs, CONNECT error: URL gives no host', { skip: skipUnlessShared(LOGS) }, () => {
  const r = read(readFileSync(sharedData(LOGS, 'fail2ban-tests-squid.log')!));
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(rows(r), [
    ['http.host', 'domain', 'www.proxy-listen.de', 1386543323000, '91.188.124.227', null, 4],
    ['http.url', 'url', 'http://www.proxy-listen.de/azenv.php', 1386543323000, '91.188.124.227', null, 4],
    ['conn.orig_h', 'ip', '91.188.124.227', 1386543323000, '91.188.124.227', null, 4],
    ['conn.orig_h', 'ip', '175.44.0.184', 1386543500000, '175.44.0.184', null, 7],
    ['http.host', 'domain', 'www2t.biglobe.ne.jp', 1386544084000, '198.74.125.200', null, 10],
    ['http.url', 'url', 'http://www2t.biglobe.ne.jp/~take52/test/env.cgi', 1386544084000, '198.74.125.200', null, 10],
    ['conn.orig_h', 'ip', '198.74.125.200', 1386544084000, '198.74.125.200', null, 10],
    ['http.host', 'domain', 'pkfsp.ru', 1386544146000, '175.42.91.151', null, 13],
    ['http.url', 'url', 'http://pkfsp.ru/wp-content/uploads/proxyc/engine.php', 1386544146000, '175.42.91.151', null, 13],
    ['conn.orig_h', 'ip', '175.42.91.151', 1386544146000, '175.42.91.151', null, 13],
  ]);
  assert.deepEqual([r.reader.records, r.reader.skipped], [4, 0]);
});

test('squidview example access.log: 94 records, DIRECT peer is dst', { skip: skipUnlessShared(LOGS) }, () => {
  const r = read(readFileSync(sharedData(LOGS, 'squidview-example.access.log')!));
  assert.deepEqual([r.reader.records, r.reader.skipped, r.observations.length], [94, 0, 371]);
  assert.deepEqual(rows(r).slice(0, 4), [
    ['http.host', 'domain', 'www.slashdot.org', 1198298239740, '127.0.0.1', '66.35.250.151', 1],
    ['http.url', 'url', 'http://www.slashdot.org/', 1198298239740, '127.0.0.1', '66.35.250.151', 1],
    ['conn.resp_h', 'ip', '66.35.250.151', 1198298239740, '127.0.0.1', '66.35.250.151', 1],
    ['conn.orig_h', 'ip', '127.0.0.1', 1198298239740, '127.0.0.1', '66.35.250.151', 1],
  ]);
});

test('CONNECT host:port, IPv6 peer, garbage and truncated lines', () => {
  const text = [
    '1700000000.123      5 10.0.0.9 TCP_TUNNEL/200 4000 CONNECT c2.evil.example:443 - HIER_DIRECT/2001:db8:0:0::7 -',
    '1700000001.000      5 10.0.0.9 TCP_TUNNEL/200 4000 CONNECT 192.0.2.4:8443 - HIER_DIRECT/192.0.2.4 -',
    'hello world',
    '1700000002.000 5 10.0.0.9 TCP_MISS/200',
    '\x00\x01\x02 garbage',
  ].join('\r\n');
  const r = read(Buffer.from(text, 'latin1'));
  assert.deepEqual(rows(r), [
    ['http.host', 'domain', 'c2.evil.example', 1700000000123, '10.0.0.9', '2001:db8::7', 1],
    ['conn.resp_h', 'ip', '2001:db8::7', 1700000000123, '10.0.0.9', '2001:db8::7', 1],
    ['conn.orig_h', 'ip', '10.0.0.9', 1700000000123, '10.0.0.9', '2001:db8::7', 1],
    ['http.host', 'ip', '192.0.2.4', 1700000001000, '10.0.0.9', '192.0.2.4', 2],
    ['conn.resp_h', 'ip', '192.0.2.4', 1700000001000, '10.0.0.9', '192.0.2.4', 2],
    ['conn.orig_h', 'ip', '10.0.0.9', 1700000001000, '10.0.0.9', '192.0.2.4', 2],
  ]);
  assert.deepEqual(r.diagnostics.map((d) => `${d.path}:${d.line}: ${d.reason}`), [
    'access.log:3: not a squid record', 'access.log:4: not a squid record', 'access.log:5: not a squid record',
  ]);
});

test('a record whose time is not epoch seconds is read without time, and said once', () => {
  const r = read(Buffer.from([
    '1700000000.123      5 10.0.0.9 TCP_MISS/200 400 GET http://a.example/ - HIER_DIRECT/192.0.2.4 text/html',
    '01/Dec/2026:04:20:31      5 10.0.0.9 TCP_MISS/200 400 GET http://b.example/ - HIER_NONE/- text/html',
    '17000x0000      5 10.0.0.8 TCP_MISS/200 400 GET http://c.example/ - HIER_NONE/- text/html',
  ].join('\n'), 'latin1'));
  assert.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}:${d.line}: ${d.reason}`), [
    'warning no-timestamp access.log:2: timestamp "01/Dec/2026:04:20:31" not understood; sightings from this file carry no time (further lines not reported)',
  ]);
  assert.deepEqual(rows(r).filter((o) => o[6] !== 1), [
    ['http.host', 'domain', 'b.example', null, '10.0.0.9', null, 2],
    ['http.url', 'url', 'http://b.example/', null, '10.0.0.9', null, 2],
    ['conn.orig_h', 'ip', '10.0.0.9', null, '10.0.0.9', null, 2],
    ['http.host', 'domain', 'c.example', null, '10.0.0.8', null, 3],
    ['http.url', 'url', 'http://c.example/', null, '10.0.0.8', null, 3],
    ['conn.orig_h', 'ip', '10.0.0.8', null, '10.0.0.8', null, 3],
  ]);
  assert.deepEqual([r.reader.records, r.reader.skipped], [3, 0]);
});

test('fuzz: mutated squid lines never throw; diagnostics carry the line number', { skip: skipUnlessShared(LOGS) }, () => {
  const lines = readFileSync(sharedData(LOGS, 'squidview-example.access.log')!).toString('latin1').split('\n').slice(0, 30).map((l) => Buffer.from(l, 'latin1'));
  fuzzLines(lines, () => new SquidReader('f.log'), { seed: 3, numRuns: 300, maxOffset: 300, maxEdits: 20 });
});

/**
 * What the recording should give, worked out by awk alone: per line the host
 * (CONNECT's authority, or the URL's), the URL (not for CONNECT), the peer
 * when an address, the client; time is the epoch text without its point (ms).
 * Rows: line, field, value, ts, src, dst.
 */
const AWK_EXPECTED = String.raw`{
  ts = $1; sub(/\./, "", ts); client = $3; method = $6; url = $7
  peer = $9; sub(/^[^\/]*\//, "", peer); if (peer == "-") peer = "null"
  host = url
  if (method == "CONNECT") sub(/:[0-9]+$/, "", host)
  else { sub(/^[a-z]+:\/\//, "", host); sub(/[\/:?].*$/, "", host) }
  print NR "\thttp.host\t" host "\t" ts "\t" client "\t" peer
  if (method != "CONNECT") print NR "\thttp.url\t" url "\t" ts "\t" client "\t" peer
  if (peer ~ /^[0-9.]+$/) print NR "\tconn.resp_h\t" peer "\t" ts "\t" client "\t" peer
  print NR "\tconn.orig_h\t" client "\t" ts "\t" client "\t" peer
}`;

function awkRows(): (string | number | null)[][] | null {
  let out: string;
  try { out = execFileSync('awk', [AWK_EXPECTED, RECORDED], { encoding: 'utf8' }); } catch { return null; }
  return out.trim().split('\n').map((l) => {
    const [line, field, value, ts, src, dst] = l.split('\t');
    return [Number(line), field!, value!, Number(ts), src!, dst === 'null' ? null : dst!];
  });
}

test('squid 5.7 recording: GETs and a POST through to nginx, a CONNECT tunnel, an unresolvable name', { skip: existsSync(RECORDED) ? false : `${RECORDED} is absent` }, (t) => {
  const r = read(readFileSync(RECORDED));
  assert.deepEqual(r.diagnostics, []);
  const want = awkRows();
  if (want === null) { t.skip('awk is not installed; it computes the expected values'); return; }
  assert.deepEqual(r.observations.map((o) => [o.line!, o.field, o.value, o.ts, o.src, o.dst]), want);
  for (const o of r.observations) {
    assert.equal(o.kind, o.field === 'http.url' ? 'url' : /^[\d.]+$/.test(o.value) ? 'ip' : 'domain', `${o.field} ${o.value}`);
  }
  // What curl asked for (record.sh wrote it): client, method, URL; squid logs URLs without their query.
  const asked = readFileSync(REQUESTS, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  const logged = readFileSync(RECORDED, 'utf8').trim().split('\n').map((l) => l.split(/ +/));
  assert.deepEqual(logged.map((f) => [f[2], f[5], f[6]]), asked.map(([c, m, u]) => [c, m, u!.replace(/\?.*$/, '?')]));
  assert.deepEqual([r.reader.records, r.reader.skipped], [asked.length, 0]);
});
