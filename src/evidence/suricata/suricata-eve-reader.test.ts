import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sharedData, skipUnlessShared } from '../../core/test-data.js';
import { collectingSink, readBuffer } from '../line-reader.js';
import { fuzzLines } from '../testing/fuzz-lines.js';
import { SuricataEveReader } from './suricata-eve-reader.js';

const LOGS = 'logs/suricata';

function read(buf: Buffer) {
  const reader = new SuricataEveReader('eve.json');
  const sink = collectingSink();
  readBuffer(reader, buf, sink);
  return { reader, ...sink };
}

const rows = (r: ReturnType<typeof read>) => r.observations.map((o) => [o.field, o.kind, o.value, o.ts, o.src, o.dst, o.line]);

test('dcso-fever jsonparse_eve: dns v1 answer (client is dest_ip), fileinfo md5, http', { skip: skipUnlessShared(LOGS) }, () => {
  const r = read(readFileSync(sharedData(LOGS, 'dcso-fever_jsonparse_eve.json')!));
  assert.deepEqual(rows(r), [
    ['dns.query', 'domain', 'test.test.local', 1488783246047, '10.0.0.11', '10.0.0.10', 1],
    ['dns.answer', 'ip', '10.0.0.12', 1488783246047, '10.0.0.11', '10.0.0.10', 1],
    ['file.md5', 'hash', '8d81d793b28b098e8623d47bae23cf44', 1488783250839, '10.0.0.11', '10.0.0.10', 2],
    ['file.name', 'filename', '/jokes/random', 1488783250839, '10.0.0.11', '10.0.0.10', 2],
    ['http.host', 'domain', 'foobar', 1488783254002, '10.0.0.10', '10.0.0.11', 3],
    ['http.url', 'url', 'http://foobar/scripts/wpnbr.dll', 1488783254002, '10.0.0.10', '10.0.0.11', 3],
    ['conn.resp_h', 'ip', '10.0.0.11', 1488783254002, '10.0.0.10', '10.0.0.11', 3],
    ['conn.orig_h', 'ip', '10.0.0.10', 1488783254002, '10.0.0.10', '10.0.0.11', 3],
  ]);
});

test('dcso-fever alertify input: http, dns v2 answers, tls over IPv6 (canonical ends)', { skip: skipUnlessShared(LOGS) }, () => {
  const r = read(readFileSync(sharedData(LOGS, 'dcso-fever_alertify_input.json')!));
  assert.deepEqual(rows(r), [
    ['http.host', 'domain', 'evader.example.com', 1451761681310, '1.1.1.1', '8.8.8.8', 1],
    ['http.url', 'url', 'http://evader.example.com/compressed/eicar.txt/ce%3Agzip,gzip;gzip;gzip', 1451761681310, '1.1.1.1', '8.8.8.8', 1],
    ['conn.resp_h', 'ip', '8.8.8.8', 1451761681310, '1.1.1.1', '8.8.8.8', 1],
    ['conn.orig_h', 'ip', '1.1.1.1', 1451761681310, '1.1.1.1', '8.8.8.8', 1],
    ['dns.query', 'domain', 'static.programme-tv.net', 1372967271592, '192.168.42.129', '192.168.42.150', 2],
    ['dns.answer', 'domain', 'programme-tv.net.edgesuite.net', 1372967271592, '192.168.42.129', '192.168.42.150', 2],
    ['dns.answer', 'domain', 'a1859.g.akamai.net', 1372967271592, '192.168.42.129', '192.168.42.150', 2],
    ['tls.sni', 'domain', 'example.com', 1557907878955, '2a03:b0c0:2:d0::bd3:4001', '2606:2800:220:1:248:1893:25c8:1946', 3],
    ['conn.resp_h', 'ip', '2606:2800:220:1:248:1893:25c8:1946', 1557907878955, '2a03:b0c0:2:d0::bd3:4001', '2606:2800:220:1:248:1893:25c8:1946', 3],
    ['conn.orig_h', 'ip', '2a03:b0c0:2:d0::bd3:4001', 1557907878955, '2a03:b0c0:2:d0::bd3:4001', '2606:2800:220:1:248:1893:25c8:1946', 3],
  ]);
});

test('broken eve lines become diagnostics and reading goes on', { skip: skipUnlessShared(LOGS) }, () => {
  const r = read(readFileSync(sharedData(LOGS, 'dcso-fever_jsonparse_eve_broken1.json')!));
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.line, d.reason]), [['bad-record', 2, 'broken JSON: Unterminated string in JSON at position 33']]);
  assert.deepEqual([r.reader.records, r.reader.skipped, r.observations.length], [2, 1, 6]); // dns query + answer, http host + URL + both ends
});

test('suricata-verify fileinfo (no hashes) and crowdsec alert/flow/stats files: exact counts', { skip: skipUnlessShared(LOGS) }, () => {
  const fi = read(readFileSync(sharedData(LOGS, 'suricata-verify_output-eve-fileinfo.eve.json')!));
  assert.deepEqual(rows(fi), [['file.name', 'filename', 'eicar.com', 1465416112875, '10.16.1.11', '188.40.238.250', 1]]);
  const detect = read(readFileSync(sharedData(LOGS, 'crowdsec-hub_suricata-eve-detect.eve.json')!));
  assert.deepEqual([detect.reader.records, detect.observations.length, detect.diagnostics.length], [4, 10, 0]);
  // An alert's http sub-object gives host and URL before the connection ends.
  assert.deepEqual(rows(detect).slice(0, 4), [
    ['http.host', 'ip', '34.245.178.108', 1657606953415, '1.2.3.4', '1.2.3.5', 1],
    ['http.url', 'url', 'http://34.245.178.108/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh', 1657606953415, '1.2.3.4', '1.2.3.5', 1],
    ['conn.resp_h', 'ip', '1.2.3.5', 1657606953415, '1.2.3.4', '1.2.3.5', 1],
    ['conn.orig_h', 'ip', '1.2.3.4', 1657606953415, '1.2.3.4', '1.2.3.5', 1],
  ]);
  const evelog = read(readFileSync(sharedData(LOGS, 'crowdsec-hub_suricata-logs-evelog.eve.json')!));
  assert.deepEqual([evelog.reader.records, evelog.observations.length, evelog.diagnostics.length], [8, 16, 0]);
  assert.equal(evelog.observations.find((o) => o.line === 6)?.ts, Date.UTC(2022, 6, 12, 5, 52, 18, 378));
});

test('dns v2 grouped answers, v3 queries, dns v1 query record, alert to_client with http', () => {
  const lines = [
    '{"timestamp":"2020-01-01T00:00:00Z","event_type":"dns","src_ip":"192.0.2.53","dest_ip":"10.0.0.1","dns":{"version":2,"type":"answer","rrname":"evil.example","grouped":{"A":["192.0.2.9"],"AAAA":["2001:db8::9"],"CNAME":["x.evil.example"]}}}',
    '{"timestamp":"2020-01-01T00:00:01Z","event_type":"dns","src_ip":"10.0.0.1","dest_ip":"192.0.2.53","dns":{"version":3,"type":"request","queries":[{"rrname":"q.evil.example","rrtype":"A"}]}}',
    '{"timestamp":"2020-01-01T00:00:02Z","event_type":"dns","src_ip":"10.0.0.1","dest_ip":"192.0.2.53","dns":{"type":"query","rrname":"v1.evil.example","rrtype":"A"}}',
    '{"timestamp":"2020-01-01T00:00:03Z","event_type":"alert","src_ip":"192.0.2.80","dest_ip":"10.0.0.1","alert":{"direction":"to_client"},"http":{"hostname":"web.evil.example","url":"/a","http_port":8080}}',
    '{"timestamp":"2020-01-01T00:00:04Z","event_type":"stats","stats":{}}',
    '{"timestamp":"2020-01-01T00:00:05Z"}',
  ].join('\n');
  const r = read(Buffer.from(lines));
  const t = Date.UTC(2020, 0, 1);
  assert.deepEqual(rows(r), [
    ['dns.query', 'domain', 'evil.example', t, '10.0.0.1', '192.0.2.53', 1],
    ['dns.answer', 'ip', '192.0.2.9', t, '10.0.0.1', '192.0.2.53', 1],
    ['dns.answer', 'ip', '2001:db8::9', t, '10.0.0.1', '192.0.2.53', 1],
    ['dns.answer', 'domain', 'x.evil.example', t, '10.0.0.1', '192.0.2.53', 1],
    ['dns.query', 'domain', 'q.evil.example', t + 1000, '10.0.0.1', '192.0.2.53', 2],
    ['dns.query', 'domain', 'v1.evil.example', t + 2000, '10.0.0.1', '192.0.2.53', 3],
    ['http.host', 'domain', 'web.evil.example', t + 3000, '10.0.0.1', '192.0.2.80', 4],
    ['http.url', 'url', 'http://web.evil.example:8080/a', t + 3000, '10.0.0.1', '192.0.2.80', 4],
    ['conn.resp_h', 'ip', '192.0.2.80', t + 3000, '10.0.0.1', '192.0.2.80', 4],
    ['conn.orig_h', 'ip', '10.0.0.1', t + 3000, '10.0.0.1', '192.0.2.80', 4],
  ]);
  assert.deepEqual(r.diagnostics.map((d) => `${d.line}: ${d.reason}`), ['6: no event_type']);
  assert.deepEqual([r.reader.records, r.reader.skipped], [5, 1]);
});

test('fuzz: mutated eve lines never throw; diagnostics carry the line number', { skip: skipUnlessShared(LOGS) }, () => {
  const lines = ['dcso-fever_alertify_input.json', 'dcso-fever_jsonparse_eve.json'].flatMap((f) =>
    readFileSync(sharedData(LOGS, f)!).toString('latin1').split('\n').filter((l) => l !== '').map((l) => Buffer.from(l, 'latin1')));
  fuzzLines(lines, () => new SuricataEveReader('f.json'), { seed: 11, numRuns: 300, maxOffset: 1200, maxEdits: 12 });
});
