import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sharedData, skipUnlessShared } from '../../core/test-data.js';
import { collectingSink, readBuffer } from '../line-reader.js';
import { fuzzLines } from '../testing/fuzz-lines.js';
import { ZeekTsvReader, decodeZeekEscapes } from './zeek-tsv-reader.js';

const BTEST = 'zeek/zeek-btest-baselines';
const WRCCDC = 'zeek/wrccdc-zed-sample-excerpts';

function readFile(file: string, reader = new ZeekTsvReader(file)) {
  const sink = collectingSink();
  readBuffer(reader, readFileSync(file), sink);
  return { reader, ...sink };
}

function readText(text: string, reader = new ZeekTsvReader('t.log')) {
  const sink = collectingSink();
  readBuffer(reader, Buffer.from(text, 'utf8'), sink);
  return { reader, ...sink };
}

const DNS_HEADER = [
  '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tdns',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tquery\tanswers',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tvector[string]',
].join('\n');
const HTTP_HEADER = [
  '#path\thttp', '#fields\tts\tid.orig_h\tid.resp_h\tid.resp_p\thost\turi', '#types\ttime\taddr\taddr\tport\tstring\tstring',
].join('\n');

test('nflog http.log (btest): exact observations, masked ts is null without a diagnostic', { skip: skipUnlessShared(BTEST) }, () => {
  const r = readFile(sharedData(BTEST, 'core.nflog__http.log')!);
  assert.equal(r.reader.format, 'zeek-http');
  assert.deepEqual(r.diagnostics, []);
  const at = { ts: null, src: '10.0.2.15', dst: '93.184.216.34', line: 10 };
  assert.deepEqual(r.observations, [
    { field: 'http.host', kind: 'domain', value: 'www.example.net', ...at },
    { field: 'http.url', kind: 'url', value: 'http://www.example.net/', ...at },
    { field: 'conn.resp_h', kind: 'ip', value: '93.184.216.34', ...at },
    { field: 'conn.orig_h', kind: 'ip', value: '10.0.2.15', ...at },
  ]);
  assert.deepEqual([r.reader.records, r.reader.skipped], [1, 0]);
});

test('json-non-printable-escaping: \\x escapes decoded, \\\\ is a backslash, UTF-8 kept', { skip: skipUnlessShared(BTEST) }, () => {
  const r = readFile(sharedData(BTEST, 'scripts.base.frameworks.logging.json-non-printable-escaping__http.log.tsv')!);
  assert.deepEqual(r.observations.filter((o) => o.field === 'http.url').map((o) => o.value), [
    'http://172.24.0.3/regular_file.html',
    'http://172.24.0.3/printable_😄',
    'http://172.24.0.3/non_printable_\x07',
    'http://172.24.0.3/non_printable_literal_\\x07',
  ]);
  assert.equal(r.observations.filter((o) => o.field === 'http.host' && o.kind === 'ip').length, 4);
});

test('btest baselines: exact counts per file', { skip: skipUnlessShared(BTEST) }, () => {
  const expect: Record<string, [string, number, number]> = {
    'core.ipv6-frag__dns.log': ['zeek-dns', 3, 3], // TXT answers give nothing
    'core.tunnels.teredo__conn.log': ['zeek-conn', 21, 42],
    'core.tunnels.teredo__http.log': ['zeek-http', 4, 16],
    'opt.basic__conn.log': ['zeek-conn', 34, 68],
    'opt.basic__dns.log': ['zeek-dns', 34, 49],
    'opt.basic__http.log': ['zeek-http', 14, 56],
    'scripts.base.protocols.ssl.basic__ssl.log': ['zeek-ssl', 1, 3],
    'scripts.base.protocols.ssl.tls13-encrypted-client-hello__ssl.log': ['zeek-ssl', 2, 6],
  };
  for (const [name, [format, records, observations]] of Object.entries(expect)) {
    const r = readFile(sharedData(BTEST, name)!);
    assert.deepEqual([r.reader.format, r.reader.records, r.observations.length, r.diagnostics.length], [format, records, observations, 0], name);
  }
  const ech = readFile(sharedData(BTEST, 'scripts.base.protocols.ssl.tls13-encrypted-client-hello__ssl.log')!);
  assert.deepEqual(ech.observations[0], { field: 'tls.sni', kind: 'domain', value: 'cloudflare-ech.com', ts: null, src: '192.168.20.65', dst: '162.159.138.85', line: 10 });
});

test('wrccdc dns.log: real ts, CNAME and IPv6 answers, exact counts', { skip: skipUnlessShared(WRCCDC) }, () => {
  const r = readFile(sharedData(WRCCDC, 'dns.log')!);
  assert.deepEqual([r.reader.records, r.reader.skipped, r.observations.length, r.diagnostics.length], [1000, 0, 2764, 0]);
  const at = { ts: 1521911720865, src: '10.47.1.100', dst: '10.0.0.100', line: 9 };
  assert.deepEqual(r.observations.slice(0, 3), [
    { field: 'dns.query', kind: 'domain', value: 'ise.wrccdc.org', ...at },
    { field: 'dns.answer', kind: 'domain', value: 'ise.wrccdc.cpp.edu', ...at },
    { field: 'dns.answer', kind: 'ip', value: '134.71.3.16', ...at },
  ]);
  assert.ok(r.observations.some((o) => o.kind === 'ip' && o.value === '2620:df:8000:1601:0:1:3:16'));
});

test('wrccdc ssl.log: 125 rows with server_name give tls.sni', { skip: skipUnlessShared(WRCCDC) }, () => {
  const r = readFile(sharedData(WRCCDC, 'ssl.log')!);
  assert.equal(r.observations.filter((o) => o.field === 'tls.sni').length, 125);
  assert.deepEqual([r.reader.records, r.reader.skipped], [1000, 0]);
});

test('header change mid-file (concatenated rotated logs) switches format and columns', () => {
  const r = readText(`${DNS_HEADER}\n1.5\tC1\t10.0.0.1\t5353\t10.0.0.53\t53\tevil.example\t192.0.2.7\n${HTTP_HEADER}\n2.25\t10.0.0.2\t192.0.2.8\t8080\tbad.example:8080\t/x?y=1\n`);
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.reader.format, 'zeek-http');
  assert.deepEqual(r.observations, [
    { field: 'dns.query', kind: 'domain', value: 'evil.example', ts: 1500, src: '10.0.0.1', dst: '10.0.0.53', line: 8 },
    { field: 'dns.answer', kind: 'ip', value: '192.0.2.7', ts: 1500, src: '10.0.0.1', dst: '10.0.0.53', line: 8 },
    { field: 'http.host', kind: 'domain', value: 'bad.example', ts: 2250, src: '10.0.0.2', dst: '192.0.2.8', line: 12 },
    { field: 'http.url', kind: 'url', value: 'http://bad.example:8080/x?y=1', ts: 2250, src: '10.0.0.2', dst: '192.0.2.8', line: 12 },
    { field: 'conn.resp_h', kind: 'ip', value: '192.0.2.8', ts: 2250, src: '10.0.0.2', dst: '192.0.2.8', line: 12 },
    { field: 'conn.orig_h', kind: 'ip', value: '10.0.0.2', ts: 2250, src: '10.0.0.2', dst: '192.0.2.8', line: 12 },
  ]);
});

test('unset and empty fields give nothing; wrong field count, CRLF, garbage, no header', () => {
  const noHeader = readText('1.0\tC1\t10.0.0.1\n');
  assert.deepEqual(noHeader.diagnostics.map((d) => `${d.line}: ${d.reason}`), ['1: record before any #fields header']);
  const r = readText(`${DNS_HEADER}\r\n1.0\tC1\t-\t1\t-\t53\t-\t(empty)\r\n2.0\tC2\t10.0.0.1\t1\n\x00\x01\xff\xfe\t\t\n3.0\tC3\tfe80:0:0:0:0:0:0:1\t1\t10.0.0.53\t53\tbücher.example\t2001:DB8::1,xn--bcher-kva.example\r\n`);
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.path, d.line, d.reason]), [
    ['bad-record', 't.log', 9, 'wrong field count: 4, header has 8'],
    ['bad-record', 't.log', 10, 'wrong field count: 3, header has 8'],
  ]);
  const at = { ts: 3000, src: 'fe80::1', dst: '10.0.0.53', line: 11 };
  assert.deepEqual(r.observations, [
    { field: 'dns.query', kind: 'domain', value: 'bücher.example', ...at },
    { field: 'dns.answer', kind: 'ip', value: '2001:DB8::1', ...at },
    { field: 'dns.answer', kind: 'domain', value: 'xn--bcher-kva.example', ...at },
  ]);
  assert.deepEqual([r.reader.records, r.reader.skipped], [2, 2]);
});

test('a line over MAX_LINE_BYTES is reported, not parsed', () => {
  const reader = new ZeekTsvReader('big.log');
  const sink = collectingSink();
  reader.readLine(Buffer.alloc(1024 * 1024 + 1, 0x41), 7, sink);
  assert.deepEqual(sink.diagnostics.map((d) => `${d.line}: ${d.reason}`), ['7: line too long (1048577 bytes)']);
});

test('snapshot() carries the header to a reader that starts mid-file', () => {
  const first = readText(`${DNS_HEADER}\n`);
  const state = JSON.parse(JSON.stringify(first.reader.snapshot())) as unknown;
  const resumed = readText('4.0\tC9\t10.0.0.9\t1\t10.0.0.53\t53\tmid.example\t-\n', new ZeekTsvReader('t.log', state));
  assert.equal(resumed.reader.format, 'zeek-dns');
  assert.deepEqual(resumed.observations.map((o) => o.value), ['mid.example']);
  // A malformed state falls back to defaults: no header, so the record is reported.
  const bad = readText('4.0\tC9\n', new ZeekTsvReader('t.log', { fields: [1, 2] }));
  assert.equal(bad.diagnostics.length, 1);
});

test('files, x509, smtp and other paths', () => {
  const text = [
    '#path\tfiles', '#fields\tts\tfuid\ttx_hosts\trx_hosts\tfilename\tmd5\tsha1\tsha256',
    '1.0\tF1\t192.0.2.1\t10.0.0.5\tnetmgr.exe\td41d8cd98f00b204e9800998ecf8427e\t-\t(empty)',
    '#path\tx509', '#fields\tts\tid\tcertificate.subject\tsan.dns',
    '2.0\tF2\tCN=*.evil.example,O=Bad\twww.evil.example,mail.evil.example',
    '#path\tsmtp', '#fields\tts\tid.orig_h\tid.resp_h\tmailfrom\trcptto',
    '3.0\t10.0.0.6\t192.0.2.25\t<a@evil.example>\tb@corp.example,c@corp.example',
    '#path\tweird', '#fields\tts\tid.orig_h\tid.resp_h\tname',
    '4.0\t10.0.0.7\t192.0.2.9\tbad_HTTP_request',
  ].join('\n');
  const r = readText(text);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.observations.map((o) => [o.field, o.kind, o.value, o.src, o.dst]), [
    ['file.md5', 'hash', 'd41d8cd98f00b204e9800998ecf8427e', '10.0.0.5', '192.0.2.1'],
    ['file.name', 'filename', 'netmgr.exe', '10.0.0.5', '192.0.2.1'],
    ['x509.san', 'domain', 'www.evil.example', null, null],
    ['x509.san', 'domain', 'mail.evil.example', null, null],
    ['x509.san', 'domain', 'evil.example', null, null],
    ['smtp.from', 'email', '<a@evil.example>', '10.0.0.6', '192.0.2.25'],
    ['smtp.to', 'email', 'b@corp.example', '10.0.0.6', '192.0.2.25'],
    ['smtp.to', 'email', 'c@corp.example', '10.0.0.6', '192.0.2.25'],
    ['conn.resp_h', 'ip', '192.0.2.25', '10.0.0.6', '192.0.2.25'],
    ['conn.orig_h', 'ip', '10.0.0.6', '10.0.0.6', '192.0.2.25'],
    ['conn.resp_h', 'ip', '192.0.2.9', '10.0.0.7', '192.0.2.9'],
    ['conn.orig_h', 'ip', '10.0.0.7', '10.0.0.7', '192.0.2.9'],
  ]);
  assert.equal(r.reader.format, 'zeek-weird');
});

test('decodeZeekEscapes', () => {
  const b = Buffer.from('a\\x2cb\\\\c\\x\\x4', 'latin1');
  assert.equal(decodeZeekEscapes(b, 0, b.length), 'a,b\\c\\x\\x4');
});

test('fuzz: mutated real dns.log lines never throw; diagnostics carry the line number', { skip: skipUnlessShared(WRCCDC) }, () => {
  const lines = readFileSync(sharedData(WRCCDC, 'dns.log')!).toString('latin1').split('\n').slice(0, 40).map((l) => Buffer.from(l, 'latin1'));
  fuzzLines(lines, () => new ZeekTsvReader('f.log'), { seed: 20261127, numRuns: 300, maxOffset: 400, maxEdits: 30, maxInsert: 8 });
});

/** A filter that lets through exactly the listed `kind value` pairs (by their raw bytes) and records what it was asked. */
function listFilter(wanted: string[]) {
  const asked: string[] = [];
  return {
    asked,
    mayMatchBytes(kind: string, b: Uint8Array, s: number, e: number): boolean {
      const key = `${kind} ${Buffer.from(b.subarray(s, e)).toString('utf8')}`;
      asked.push(key);
      return wanted.includes(key);
    },
  };
}

const FILTER_LOG = `${DNS_HEADER}
1.5\tC1\t10.0.0.1\t5353\t10.0.0.53\t53\tWWW.Evil.NET.\t192.0.2.7,cdn.evil.net,2001:db8::7
1.6\tC2\t10.0.0.2\t5353\t10.0.0.53\t53\tquiet.example.org\t198.51.100.1
1.7\tC3\t10.0.0.3\t5353\t10.0.0.53\t53\tq\\x41.example.org\t-
1.8\tC4\t10.0.0.4\t5353\t10.0.0.53\t53\t-\t(empty)
1.9\tC5\t10.0.0.5\t5353\tonly-three-fields
`;

test('dns.log with a filter: only values it lets through (and escaped ones) are observed, with the same ts and ends', () => {
  const all = readText(FILTER_LOG);
  const f = listFilter(['domain WWW.Evil.NET.', 'ip 2001:db8::7', 'ip 198.51.100.1']);
  const reader = new ZeekTsvReader('t.log');
  reader.setFilter(f);
  const r = readText(FILTER_LOG, reader);
  assert.deepEqual(r.observations, [
    { field: 'dns.query', kind: 'domain', value: 'WWW.Evil.NET.', ts: 1500, src: '10.0.0.1', dst: '10.0.0.53', line: 8 },
    { field: 'dns.answer', kind: 'ip', value: '2001:db8::7', ts: 1500, src: '10.0.0.1', dst: '10.0.0.53', line: 8 },
    { field: 'dns.answer', kind: 'ip', value: '198.51.100.1', ts: 1600, src: '10.0.0.2', dst: '10.0.0.53', line: 9 },
    // Escaped bytes are not the value: the filter is not asked, match decides on the decoded text.
    { field: 'dns.query', kind: 'domain', value: 'qA.example.org', ts: 1700, src: '10.0.0.3', dst: '10.0.0.53', line: 10 },
  ]);
  // Each is one of the unfiltered reader's observations, unchanged.
  for (const o of r.observations) assert.ok(all.observations.some((a) => JSON.stringify(a) === JSON.stringify(o)));
  assert.deepEqual(f.asked, [
    'domain WWW.Evil.NET.', 'ip 192.0.2.7', 'domain cdn.evil.net', 'ip 2001:db8::7', 'domain quiet.example.org', 'ip 198.51.100.1',
  ]);
  assert.deepEqual([r.reader.records, r.reader.skipped, r.diagnostics], [all.reader.records, all.reader.skipped, all.diagnostics]);
  assert.deepEqual([r.reader.records, r.reader.skipped, r.diagnostics.length], [4, 1, 1]);
});

test('dns.log with a filter that lets everything through reads as without one', () => {
  const all = readText(FILTER_LOG);
  const reader = new ZeekTsvReader('t.log');
  reader.setFilter({ mayMatchBytes: () => true });
  const r = readText(FILTER_LOG, reader);
  assert.deepEqual(r.observations, all.observations);
  assert.equal(r.observations.length, 7);
  reader.setFilter(null);
  assert.deepEqual(readText(FILTER_LOG, reader).observations, all.observations);
});

test('skipLines passes over records whose bytes show nothing to observe, and stops where readLine is needed', () => {
  const reader = new ZeekTsvReader('t.log');
  const sink = collectingSink();
  readBuffer(reader, Buffer.from(`${DNS_HEADER}\n`), sink);
  const rec = (q: string, a: string) => `1.5\tC1\t10.0.0.1\t5353\t10.0.0.53\t53\t${q}\t${a}\n`;
  const skip = (text: string) => {
    const b = Buffer.from(`${text}`, 'latin1');
    const r = reader.skipLines(b, 0, b.length, 1 << 20);
    return [r.lines, b.subarray(r.pos).toString('latin1')];
  };
  // Without a filter: nothing is passed over (every value would be observed).
  assert.deepEqual(skip(rec('quiet.example.org', '-')), [0, rec('quiet.example.org', '-')]);
  const f = listFilter(['domain evil.net', 'ip 192.0.2.7']);
  reader.setFilter(f);
  const quiet = rec('quiet.example.org', '198.51.100.1,cname.example.org') + rec('-', '(empty)') + rec('a.example', '2001:db8::1').replace('\n', '\r\n');
  const before = reader.records;
  // Stops at: a value that may match, a header, a raw control byte, a backslash, a wrong field count, an empty line, a lone CR.
  for (const stop of [
    rec('evil.net', '-'), rec('x.example', '10.0.0.1,192.0.2.7'), '#fields\tts\n', rec('a\u0001b.example', '-'),
    rec('q\\x41.example', '-'), '1.5\tC1\tonly\n', '\n', rec('a.example', '-').replace('\n', '\r\r\n'),
  ]) {
    assert.deepEqual(skip(quiet + stop + quiet), [3, stop + quiet], JSON.stringify(stop));
  }
  assert.equal(reader.records - before, 3 * 8);
  // Each value asked about as emitDns asks: the query as a domain, each answer as an address or a name; marks are not asked.
  assert.deepEqual(f.asked.slice(0, 5), ['domain quiet.example.org', 'ip 198.51.100.1', 'domain cname.example.org', 'domain a.example', 'ip 2001:db8::1']);
  // A line longer than maxLine, or one with no newline before `end`, is left to the splitter and readLine.
  const b = Buffer.from(quiet + rec('long.example', '-'), 'latin1');
  assert.deepEqual(reader.skipLines(b, 0, b.length, 40), { pos: 0, lines: 0 });
  assert.deepEqual(reader.skipLines(b, 0, b.length - 1, 1 << 20), { pos: Buffer.byteLength(quiet), lines: 3 });
  // Not a dns.log: nothing is passed over.
  readBuffer(reader, Buffer.from(`${HTTP_HEADER}\n`), sink);
  assert.deepEqual(reader.skipLines(b, 0, b.length, 1 << 20), { pos: 0, lines: 0 });
});
