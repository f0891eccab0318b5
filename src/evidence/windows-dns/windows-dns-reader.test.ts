import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectingSink, readBuffer } from '../line-reader.js';
import { fuzzLines } from '../testing/fuzz-lines.js';
import { WindowsDnsReader, decodeWindowsQname, parseWindowsDnsTime } from './windows-dns-reader.js';

// No public sample exists: fixtures follow the layout Microsoft documents for the DNS Server debug log.
const PREAMBLE = [
  'DNS Server log file creation at 11/27/2026 2:14:00 PM',
  'Log file wrap at 11/27/2026 2:14:00 PM',
  '',
  'Message logging key (for packets - other items use a subset of these fields):',
  '\tField #  Information         Values',
  '\t-------  -----------         ------',
  '\t   1     Date',
  '\t  10     Query/Response      R = Response',
  '\t                             blank = Query',
  '\t  16     Question Name',
  '',
];

/** Wire form of a name as the log writes it: `(3)www(7)example(3)com(0)`. */
function wireName(name: string): string {
  return name.split('.').map((l) => `(${Buffer.byteLength(l)})${l}`).join('') + '(0)';
}

/** One PACKET line in Microsoft's column layout. */
function packetLine(p: { when: string; dir: 'Snd' | 'Rcv'; remote: string; xid: string; response: boolean; flags: string; chars: string; rcode: string; qtype: string; name: string; proto?: string }): string {
  return `${p.when} 0E84 PACKET  000000A1B2C3D4E0 ${p.proto ?? 'UDP'} ${p.dir} ${p.remote.padEnd(15)} ${p.xid} ${p.response ? 'R' : ' '} Q [${p.flags.padEnd(4)} ${p.chars.padStart(3).padEnd(4)}${p.rcode}] ${p.qtype.padEnd(6)} ${wireName(p.name)}`;
}

function read(text: string) {
  const reader = new WindowsDnsReader('dns.log');
  const sink = collectingSink();
  readBuffer(reader, Buffer.from(text, 'utf8'), sink);
  return { reader, ...sink };
}

test('the documented example line is a query from the remote client', () => {
  const r = read('11/27/2026 2:14:05 PM 0E84 PACKET  000000A1B2C3D4E0 UDP Rcv 10.0.0.1        0001   Q [0001   D   NOERROR] A      (3)www(7)example(3)com(0)');
  const ts = Date.UTC(2026, 10, 27, 14, 14, 5);
  assert.deepEqual(r.observations, [
    { field: 'dns.query', kind: 'domain', value: 'www.example.com', ts, src: '10.0.0.1', dst: null, line: 1 },
    { field: 'conn.orig_h', kind: 'ip', value: '10.0.0.1', ts, src: '10.0.0.1', dst: null, line: 1 },
  ]);
  assert.deepEqual(r.diagnostics, []);
});

test('preamble skipped; received query, sent response, forwarded query and its answer', () => {
  const base = { xid: '1a2b', qtype: 'A', name: 'c2.evil.example' };
  const lines = [
    ...PREAMBLE,
    packetLine({ ...base, when: '11/27/2026 2:14:05 PM', dir: 'Rcv', remote: '10.0.0.7', response: false, flags: '0001', chars: 'D', rcode: 'NOERROR' }),
    packetLine({ ...base, when: '11/27/2026 2:14:05 PM', dir: 'Snd', remote: '192.0.2.53', response: false, flags: '0001', chars: 'D', rcode: 'NOERROR' }),
    packetLine({ ...base, when: '11/27/2026 2:14:06 PM', dir: 'Rcv', remote: '192.0.2.53', response: true, flags: '8081', chars: 'DR', rcode: 'NOERROR' }),
    packetLine({ ...base, when: '11/27/2026 12:14:06 AM', dir: 'Snd', remote: 'fe80::0:1', response: true, flags: '8081', chars: 'DR', rcode: 'NXDOMAIN', proto: 'TCP' }),
    '11/27/2026 2:14:07 PM 0E84 EVENT   The DNS server has started.',
  ];
  const r = read(lines.join('\r\n'));
  assert.deepEqual(r.diagnostics, []);
  const t = Date.UTC(2026, 10, 27, 14, 14, 5);
  const t2 = Date.UTC(2026, 10, 27, 0, 14, 6);
  assert.deepEqual(r.observations.map((o) => [o.field, o.value, o.ts, o.src, o.dst, o.line]), [
    ['dns.query', 'c2.evil.example', t, '10.0.0.7', null, 12],
    ['conn.orig_h', '10.0.0.7', t, '10.0.0.7', null, 12],
    ['dns.query', 'c2.evil.example', t, null, '192.0.2.53', 13],
    ['conn.resp_h', '192.0.2.53', t, null, '192.0.2.53', 13],
    ['dns.query', 'c2.evil.example', t + 1000, null, '192.0.2.53', 14],
    ['conn.resp_h', '192.0.2.53', t + 1000, null, '192.0.2.53', 14],
    ['dns.query', 'c2.evil.example', t2, 'fe80::1', null, 15],
    ['conn.orig_h', 'fe80::1', t2, 'fe80::1', null, 15],
  ]);
  assert.deepEqual([r.reader.records, r.reader.skipped], [4, 0]);
});

test('bad packet lines, bad names and binary garbage are diagnostics', () => {
  const r = read([
    '11/27/2026 2:14:05 PM 0E84 PACKET  garbage',
    '11/27/2026 2:14:05 PM 0E84 PACKET  000000A1B2C3D4E0 UDP Rcv 10.0.0.1        0001   Q [0001   D   NOERROR] A      (9)www(0)',
    '\x01\x02 PACKET \x03',
  ].join('\n'));
  assert.deepEqual(r.diagnostics.map((d) => `${d.line}: ${d.reason}`), [
    '1: not a windows-dns packet record', '2: bad question name', '3: not a windows-dns record (control bytes)',
  ]);
});

test('a root query still gives its client; a date not understood is read without time and said once', () => {
  const base = { dir: 'Rcv' as const, xid: '0001', response: false, flags: '0001', chars: 'D', rcode: 'NOERROR', qtype: 'NS' };
  const r = read([
    '11/27/2026 2:14:05 PM 0E84 PACKET  000000A1B2C3D4E0 UDP Rcv 10.0.0.3        0001   Q [0001   D   NOERROR] NS     (0)',
    packetLine({ ...base, when: '11/27/2026 13:14:05 PM', remote: '10.0.0.4', name: 'a.example' }),
    packetLine({ ...base, when: '11/27/2026 14:14:05 PM', remote: '10.0.0.5', name: 'b.example' }),
  ].join('\n'));
  assert.deepEqual(r.observations.map((o) => [o.field, o.value, o.ts, o.src, o.dst, o.line]), [
    ['conn.orig_h', '10.0.0.3', Date.UTC(2026, 10, 27, 14, 14, 5), '10.0.0.3', null, 1],
    ['dns.query', 'a.example', null, '10.0.0.4', null, 2],
    ['conn.orig_h', '10.0.0.4', null, '10.0.0.4', null, 2],
    ['dns.query', 'b.example', null, '10.0.0.5', null, 3],
    ['conn.orig_h', '10.0.0.5', null, '10.0.0.5', null, 3],
  ]);
  assert.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}:${d.line}: ${d.reason}`), [
    'warning no-timestamp dns.log:2: timestamp "11/27/2026 13:14:05 PM" not understood; sightings from this file carry no time (further lines not reported)',
  ]);
});

test('question names and local date formats', () => {
  assert.equal(decodeWindowsQname('(3)www(7)example(3)com(0)'), 'www.example.com');
  assert.equal(decodeWindowsQname('(0)'), null);
  assert.equal(decodeWindowsQname('(5)ab(0)'), null);
  assert.equal(decodeWindowsQname('www.example.com'), null);
  assert.equal(parseWindowsDnsTime('27.11.2026', 14, 14, 5, undefined), Date.UTC(2026, 10, 27, 14, 14, 5));
  assert.equal(parseWindowsDnsTime('2026-11-27', 14, 14, 5, undefined), Date.UTC(2026, 10, 27, 14, 14, 5));
  assert.equal(parseWindowsDnsTime('27/11/2026', 2, 14, 5, 'PM'), Date.UTC(2026, 10, 27, 14, 14, 5));
  assert.equal(parseWindowsDnsTime('11/27/2026', 13, 0, 0, 'PM'), null);
});

test('fuzz: mutated packet lines never throw; diagnostics carry the line number', () => {
  const lines = [...PREAMBLE, ...['a.example', 'www.evil.example', 'xn--bcher-kva.example'].map((name, i) =>
    packetLine({ when: '11/27/2026 2:14:05 PM', dir: i % 2 ? 'Snd' : 'Rcv', remote: `10.0.0.${i + 1}`, xid: '0001', response: i % 2 === 1, flags: '0001', chars: 'D', rcode: 'NOERROR', qtype: 'A', name }))].map((l) => Buffer.from(l));
  fuzzLines(lines, () => new WindowsDnsReader('f.log'), { seed: 9, numRuns: 300, maxOffset: 200, maxEdits: 15 });
});
