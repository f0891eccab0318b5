import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { detectLogFormat } from '../detect.js';
import { collectingSink, readBuffer } from '../line-reader.js';
import { fuzzLines, splitLines } from '../testing/fuzz-lines.js';
import { W3cReader, splitW3cFields } from './w3c-reader.js';

const IIS = readFileSync(fileURLToPath(new URL('./testdata/iis.log', import.meta.url)));
const PROXYSG = readFileSync(fileURLToPath(new URL('./testdata/proxysg.log', import.meta.url)));

function read(buf: Buffer) {
  const reader = new W3cReader('w3c.log');
  const sink = collectingSink();
  readBuffer(reader, buf, sink);
  return { reader, ...sink };
}

const rows = (r: ReturnType<typeof read>) => r.observations.map((o) => [o.field, o.kind, o.value, o.ts, o.src, o.dst, o.line]);

// Epoch seconds from `date -u -d '2002-05-02 17:42:15' +%s` and the like.
const T2002 = 1020361335_000;
const T0304 = 1367463845_000;
const T0310 = 1367464211_000;

test('IIS: Microsoft\'s documented record (no host: both ends only) and IIS 10 records with cs-host; #Fields changes mid-file', () => {
  assert.equal(detectLogFormat(IIS, 'u_ex130502.log'), 'w3c');
  const r = read(IIS);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(rows(r), [
    ['conn.resp_h', 'ip', '172.30.255.255', T2002, '172.22.255.255', '172.30.255.255', 5],
    ['conn.orig_h', 'ip', '172.22.255.255', T2002, '172.22.255.255', '172.30.255.255', 5],
    ['http.host', 'domain', 'mail.example.org', T0304, '198.51.100.7', 'mail.example.org', 10],
    ['http.url', 'url', 'https://mail.example.org/owa/auth/logon.aspx?url=https%3a%2f%2fmail.example.org%2fowa%2f&reason=0', T0304, '198.51.100.7', 'mail.example.org', 10],
    ['conn.resp_h', 'ip', '192.0.2.10', T0304, '198.51.100.7', 'mail.example.org', 10],
    ['conn.orig_h', 'ip', '198.51.100.7', T0304, '198.51.100.7', 'mail.example.org', 10],
    ['http.host', 'domain', 'www.example.net', T0304 + 1000, '2001:db8::7', 'www.example.net', 11],
    ['http.url', 'url', 'http://www.example.net:8080/nt/nt.php?action=getcmd&hostid=ABC123', T0304 + 1000, '2001:db8::7', 'www.example.net', 11],
    ['conn.resp_h', 'ip', '192.0.2.10', T0304 + 1000, '2001:db8::7', 'www.example.net', 11],
    ['conn.orig_h', 'ip', '2001:db8::7', T0304 + 1000, '2001:db8::7', 'www.example.net', 11],
    ['conn.resp_h', 'ip', '192.0.2.10', T0304 + 2000, '198.51.100.8', '192.0.2.10', 12],
    ['conn.orig_h', 'ip', '198.51.100.8', T0304 + 2000, '198.51.100.8', '192.0.2.10', 12],
  ]);
  assert.deepEqual([r.reader.records, r.reader.skipped], [4, 0]);
});

test('ProxySG main format: quoted user agents, CONNECT gives the host only, scheme and port from the log, the proxy\'s own s-ip is no end', () => {
  assert.equal(detectLogFormat(PROXYSG, 'SG_main.log'), 'w3c');
  const r = read(PROXYSG);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(rows(r), [
    ['http.host', 'domain', 'www.example.com', T0310, '10.1.1.1', 'www.example.com', 7],
    ['http.url', 'url', 'http://www.example.com/index.html', T0310, '10.1.1.1', 'www.example.com', 7],
    ['conn.orig_h', 'ip', '10.1.1.1', T0310, '10.1.1.1', 'www.example.com', 7],
    ['http.host', 'domain', 'www.example.org', T0310 + 1000, '10.1.1.2', 'www.example.org', 8],
    ['conn.orig_h', 'ip', '10.1.1.2', T0310 + 1000, '10.1.1.2', 'www.example.org', 8],
    ['http.host', 'domain', 'news.example.net', T0310 + 2000, '10.1.1.3', 'news.example.net', 9],
    ['http.url', 'url', 'https://news.example.net:8443/nt/nt.php?action=getcmd&hostid=XYZ9', T0310 + 2000, '10.1.1.3', 'news.example.net', 9],
    ['conn.orig_h', 'ip', '10.1.1.3', T0310 + 2000, '10.1.1.3', 'news.example.net', 9],
  ]);
  assert.deepEqual([r.reader.records, r.reader.skipped], [3, 0]);
});

test('a proxy\'s upstream address (r-ip) is the responder; an absolute cs-uri is the URL', () => {
  const log = '#Fields: date time c-ip r-ip cs-method cs-uri s-action\n2013-05-02 03:10:11 10.1.1.1 203.0.113.5 GET http://a.example.com/x?y=1 TCP_MISS\n';
  const r = read(Buffer.from(log));
  assert.deepEqual(rows(r), [
    ['http.host', 'domain', 'a.example.com', T0310, '10.1.1.1', 'a.example.com', 2],
    ['http.url', 'url', 'http://a.example.com/x?y=1', T0310, '10.1.1.1', 'a.example.com', 2],
    ['conn.resp_h', 'ip', '203.0.113.5', T0310, '10.1.1.1', 'a.example.com', 2],
    ['conn.orig_h', 'ip', '10.1.1.1', T0310, '10.1.1.1', 'a.example.com', 2],
  ]);
});

test('bad records: before #Fields, wrong field count, an open quote, a bad time (read, said once)', () => {
  const log = [
    '2013-05-02 03:10:11 10.1.1.1 GET',
    '#Fields: date time c-ip cs-method cs-host cs-uri-stem',
    '2013-05-02 03:10:11 10.1.1.1 GET a.example.com',
    '2013-05-02 03:10:11 10.1.1.1 GET "a.example.com /x',
    'yesterday noon 10.1.1.9 GET b.example.com /y',
    '',
  ].join('\n');
  const r = read(Buffer.from(log));
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.line, d.reason]), [
    ['bad-record', 1, 'a record before any #Fields directive'],
    ['bad-record', 3, '5 fields where #Fields names 6'],
    ['bad-record', 4, 'not a W3C record (control bytes or an open quote)'],
    ['no-timestamp', 5, 'timestamp "yesterday noon" not understood; sightings from this file carry no time (further lines not reported)'],
  ]);
  assert.deepEqual(rows(r), [
    ['http.host', 'domain', 'b.example.com', null, '10.1.1.9', 'b.example.com', 5],
    ['http.url', 'url', 'http://b.example.com/y', null, '10.1.1.9', 'b.example.com', 5],
    ['conn.orig_h', 'ip', '10.1.1.9', null, '10.1.1.9', 'b.example.com', 5],
  ]);
  assert.deepEqual([r.reader.records, r.reader.skipped], [1, 3]);
});

test('the columns in force are the reader\'s state: a range read from a snapshot reads as the whole file does', () => {
  const whole = read(PROXYSG);
  const lines = PROXYSG.toString('latin1').split('\n');
  const head = new W3cReader('w3c.log');
  readBuffer(head, Buffer.from(lines.slice(0, 7).join('\n') + '\n', 'latin1'), collectingSink());
  const tail = new W3cReader('w3c.log', JSON.parse(JSON.stringify(head.snapshot())));
  const sink = collectingSink();
  readBuffer(tail, Buffer.from(lines.slice(7).join('\n'), 'latin1'), sink, 8);
  assert.deepEqual(sink.observations, whole.observations.filter((o) => (o.line ?? 0) >= 8));
});

test('splitW3cFields: runs of blanks, quotes with doubled quotes, an open quote is null', () => {
  assert.deepEqual(splitW3cFields('a  b\t"c d" "e ""f"""', 10), ['a', 'b', 'c d', 'e "f"']);
  assert.equal(splitW3cFields('a "b', 10), null);
  assert.deepEqual(splitW3cFields('a b c', 2), ['a', 'b']);
});

test('fuzz: mutated IIS and ProxySG lines never throw; diagnostics name input lines', () => {
  fuzzLines([...splitLines(IIS), ...splitLines(PROXYSG)], () => new W3cReader('w3c.log'), { seed: 1515, numRuns: 300, maxOffset: 200 });
});
