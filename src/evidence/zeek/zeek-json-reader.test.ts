import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sharedData, skipUnlessShared } from '../../core/test-data.js';
import { collectingSink, readBuffer } from '../line-reader.js';
import { fuzzLines } from '../testing/fuzz-lines.js';
import { ZeekJsonReader } from './zeek-json-reader.js';
import { ZeekTsvReader } from './zeek-tsv-reader.js';

const OTRF = 'zeek/otrf-apt29-json';
const WRCCDC = 'zeek/wrccdc-zed-sample-excerpts';

function read(buf: Buffer, reader: ZeekJsonReader | ZeekTsvReader = new ZeekJsonReader('t.json')) {
  const sink = collectingSink();
  readBuffer(reader, buf, sink);
  return { reader, ...sink };
}

test('wrccdc dns.log (TSV) and dns.json (JSON) give the same observations', { skip: skipUnlessShared(WRCCDC) }, () => {
  const tsv = read(readFileSync(sharedData(WRCCDC, 'dns.log')!), new ZeekTsvReader('dns.log'));
  const json = read(readFileSync(sharedData(WRCCDC, 'dns.json')!), new ZeekJsonReader('dns.json'));
  assert.equal(json.reader.format, 'zeek-dns');
  assert.deepEqual([json.reader.records, json.reader.skipped, json.diagnostics.length], [1000, 0, 0]);
  // TSV has 8 header lines before the first record.
  const strip = (o: { line?: number }, shift: number) => ({ ...o, line: (o.line ?? 0) - shift });
  assert.equal(json.observations.length, 2764);
  assert.deepEqual(json.observations.map((o) => strip(o, 0)), tsv.observations.map((o) => strip(o, 8)));
});

test('OTRF pipeline-style JSON (@stream, id_orig_h, epoch ts): exact first records and counts', { skip: skipUnlessShared(OTRF) }, () => {
  const dns = read(readFileSync(sharedData(OTRF, 'day1_NASHUA_dns.log')!));
  assert.equal(dns.reader.format, 'zeek-dns');
  const at = { ts: 1588205199824, src: '10.0.1.6', dst: '10.0.0.4', line: 1 };
  assert.deepEqual(dns.observations.slice(0, 3), [
    { field: 'dns.query', kind: 'domain', value: 'newyork.dmevals.local', ...at },
    { field: 'dns.answer', kind: 'ip', value: '10.0.0.4', ...at },
    { field: 'dns.query', kind: 'domain', value: 'wpad.dmevals.local', ts: 1588205279953, src: '10.0.1.6', dst: '10.0.0.4', line: 2 },
  ]);
  const expect: Record<string, [string, number, number]> = {
    'day1_NASHUA_dns.log': ['zeek-dns', 21, 40],
    'day1_SCRANTON_conn.log': ['zeek-conn', 134, 268],
    'day1_SCRANTON_dns.log': ['zeek-dns', 32, 77],
    'day1_SCRANTON_http.log': ['zeek-http', 62, 248],
    'day1_SCRANTON_ssl.log': ['zeek-ssl', 2, 4],
    'day2_UTICA-A_http.log': ['zeek-http', 1, 4],
  };
  for (const [name, [format, records, n]] of Object.entries(expect)) {
    const r = read(readFileSync(sharedData(OTRF, name)!));
    assert.deepEqual([r.reader.format, r.reader.records, r.observations.length, r.diagnostics.length], [format, records, n, 0], name);
  }
  const utica = read(readFileSync(sharedData(OTRF, 'day2_UTICA-A_http.log')!));
  assert.deepEqual(utica.observations.map((o) => [o.field, o.value]), [
    ['http.host', '192.168.0.4'], ['http.url', 'http://192.168.0.4/m'], ['conn.resp_h', '192.168.0.4'], ['conn.orig_h', '10.0.1.5'],
  ]);
});

test('log kind inferred from keys when there is no _path; ISO ts with offset; broken JSON and non-objects', () => {
  const lines = [
    '{"ts":"2020-01-01T01:00:00.5+01:00","id.orig_h":"10.0.0.1","id.resp_h":"192.0.2.1","version":"TLSv12","cipher":"X","server_name":"c2.evil.example"}',
    '{"ts":1,"id":{"orig_h":"10.0.0.2","resp_h":"192.0.2.2"},"method":"GET","host":"[2001:db8::1]:8080","uri":"http://abs.example/p"}',
    '{"ts":2,"id.orig_h":"10.0.0.3","id.resp_h":"192.0.2.3","proto":"tcp","conn_state":"S0"}',
    '{"ts":3,"_path":"files","fuid":"F","rx_hosts":["10.0.0.4"],"tx_hosts":["192.0.2.4"],"sha256":"AB","filename":"x.exe"}',
    '{"ts":',
    '[1,2]',
  ].join('\n');
  const r = read(Buffer.from(lines));
  assert.deepEqual(r.observations.map((o) => [o.field, o.kind, o.value, o.ts, o.src, o.dst, o.line]), [
    ['tls.sni', 'domain', 'c2.evil.example', 1577836800500, '10.0.0.1', '192.0.2.1', 1],
    ['conn.resp_h', 'ip', '192.0.2.1', 1577836800500, '10.0.0.1', '192.0.2.1', 1],
    ['conn.orig_h', 'ip', '10.0.0.1', 1577836800500, '10.0.0.1', '192.0.2.1', 1],
    ['http.host', 'ip', '2001:db8::1', 1000, '10.0.0.2', '192.0.2.2', 2],
    ['http.url', 'url', 'http://abs.example/p', 1000, '10.0.0.2', '192.0.2.2', 2],
    ['conn.resp_h', 'ip', '192.0.2.2', 1000, '10.0.0.2', '192.0.2.2', 2],
    ['conn.orig_h', 'ip', '10.0.0.2', 1000, '10.0.0.2', '192.0.2.2', 2],
    ['conn.resp_h', 'ip', '192.0.2.3', 2000, '10.0.0.3', '192.0.2.3', 3],
    ['conn.orig_h', 'ip', '10.0.0.3', 2000, '10.0.0.3', '192.0.2.3', 3],
    ['file.sha256', 'hash', 'AB', 3000, '10.0.0.4', '192.0.2.4', 4],
    ['file.name', 'filename', 'x.exe', 3000, '10.0.0.4', '192.0.2.4', 4],
  ]);
  assert.deepEqual(r.diagnostics.map((d) => `${d.line}: ${d.reason}`), ['5: broken JSON: Unexpected end of JSON input', '6: not a JSON object']);
  assert.deepEqual([r.reader.records, r.reader.skipped], [4, 2]);
});

test('fuzz: mutated OTRF lines never throw; diagnostics carry the line number', { skip: skipUnlessShared(OTRF) }, () => {
  const lines = readFileSync(sharedData(OTRF, 'day1_SCRANTON_http.log')!).toString('latin1').split('\n').slice(0, 20).map((l) => Buffer.from(l, 'latin1'));
  fuzzLines(lines, () => new ZeekJsonReader('f.json'), { seed: 7, numRuns: 200, maxOffset: 600, maxEdits: 20 });
});
