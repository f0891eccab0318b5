/** fast-check fuzz: mutated real captures (and fixtures) never make the reader throw, and memory stays bounded. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { sharedData, skipUnlessShared } from '../../core/test-data.js';
import { CaptureReader } from './capture-reader.js';
import { writePcapng } from './testing/capture-writer.js';
import { clientHello, dnsMessage, dnsOverTcp, ethernet, httpRequest, ip, tlsRecords, tcp, TCP, udp } from './testing/packet-builder.js';

const MAX_FUZZ_FILE = 64 * 1024;

const CONNECT = httpRequest('CONNECT', 'f.example:443', [['Host', 'f.example:443']]);

function segment(src: string, dst: string, sport: number, dport: number, seq: number, payload: Buffer): Buffer {
  return ethernet(ip(src, dst, 6, tcp({ sport, dport, seq, flags: TCP.ACK, payload })), 0x0800);
}

/** A generated capture touching every decoder path. */
function madeCapture(): Buffer {
  return writePcapng([{ interfaces: [{ linktype: 1 }], blocks: [
    { type: 'epb', iface: 0, ticks: 1n, data: ethernet(ip('10.0.0.1', '10.0.0.2', 17, udp(1, 53, dnsMessage({ name: 'a.example', response: true, answers: [{ type: 'CNAME', value: 'b.example' }] }))), 0x0800) },
    { type: 'epb', iface: 0, ticks: 2n, data: ethernet(ip('10.0.0.1', '10.0.0.2', 6, tcp({ sport: 5, dport: 443, seq: 1, flags: TCP.ACK, payload: tlsRecords(clientHello('c.example')) })), 0x0800) },
    // Paths told by content: DNS on an odd UDP port, DNS over TCP on an odd port, a CONNECT tunnel carrying TLS.
    { type: 'epb', iface: 0, ticks: 3n, data: ethernet(ip('10.0.0.1', '10.0.0.2', 17, udp(40000, 5300, dnsMessage({ name: 'd.example' }))), 0x0800) },
    { type: 'epb', iface: 0, ticks: 4n, data: ethernet(ip('10.0.0.1', '10.0.0.2', 6, tcp({ sport: 6, dport: 8053, seq: 1, flags: TCP.ACK, payload: dnsOverTcp(dnsMessage({ name: 'e.example' })) })), 0x0800) },
    { type: 'epb', iface: 0, ticks: 5n, data: segment('10.0.0.1', '10.0.0.3', 7, 3128, 1, CONNECT) },
    { type: 'epb', iface: 0, ticks: 6n, data: segment('10.0.0.3', '10.0.0.1', 3128, 7, 1, Buffer.from('HTTP/1.1 200 Connection established\r\n\r\n')) },
    { type: 'epb', iface: 0, ticks: 7n, data: segment('10.0.0.1', '10.0.0.3', 7, 3128, 1 + CONNECT.length, tlsRecords(clientHello('g.example'))) },
  ] }]);
}

function captures(): Buffer[] {
  const dir = sharedData('pcap');
  const real = dir ? readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => readFileSync(`${dir}/${f}`)).filter((b) => b.length <= MAX_FUZZ_FILE) : [];
  return [...real, madeCapture()];
}

function readAll(data: Buffer, chunk: number): number {
  let n = 0;
  const r = new CaptureReader('fuzz', { observe: (o) => { n++; assert.equal(typeof o.value, 'string'); }, diagnostic: () => { n++; } }, { maxFlows: 1000, maxBufferedBytes: 1 << 20 });
  for (let i = 0; i < data.length; i += chunk) r.push(data.subarray(i, i + chunk));
  r.end();
  return n;
}

test('mutated captures never throw', { skip: skipUnlessShared('pcap') }, () => {
  const files = captures();
  assert.ok(files.length >= 30);
  const before = process.memoryUsage().heapUsed;
  fc.assert(fc.property(
    fc.nat(files.length - 1),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 24 }),
    fc.nat(4096), fc.integer({ min: 1, max: 5000 }),
    (which, flips, cut, chunk) => {
      const data = Buffer.from(files[which]!);
      for (const [at, v] of flips) data[at % data.length] = v;
      const truncated = cut > 0 && cut < 2048 ? data.subarray(0, Math.max(0, data.length - cut)) : data;
      readAll(truncated, chunk);
    },
  ), { seed: 20130604, numRuns: 400 });
  // Bounded memory: the readers hold nothing once done (allow generous GC slack).
  assert.ok(process.memoryUsage().heapUsed - before < 256 * 1024 * 1024);
});

test('mutated generated capture (DNS on odd ports, CONNECT tunnel) never throws', () => {
  const made = madeCapture();
  const names: string[] = [];
  const r = new CaptureReader('made', { observe: (o) => { if (!o.field.startsWith('conn.')) names.push(`${o.field} ${o.value}`); }, diagnostic: (d) => assert.fail(d.reason) });
  r.push(made);
  r.end();
  assert.deepEqual(names, [
    'dns.query a.example', 'dns.answer b.example', 'tls.sni c.example', 'dns.query d.example', 'dns.query e.example',
    'http.host f.example', 'tls.sni g.example',
  ]);
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 24 }), fc.nat(made.length), fc.integer({ min: 1, max: 700 }),
    (flips, cut, chunk) => {
      const data = Buffer.from(made);
      for (const [at, v] of flips) data[at % data.length] = v;
      readAll(data.subarray(0, data.length - cut), chunk);
    },
  ), { seed: 3128, numRuns: 400 });
});

test('random bytes behind a valid header never throw', () => {
  const header = writePcapng([{ interfaces: [{ linktype: 1 }], blocks: [] }]);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), fc.integer({ min: 1, max: 300 }), (tail, chunk) => {
    readAll(Buffer.concat([header, Buffer.from(tail)]), chunk);
  }), { seed: 7, numRuns: 300 });
});
