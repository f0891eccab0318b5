/**
 * End to end: `hunt` on packet captures (pcap, pcapng, gzip) built by the
 * project's capture writer: the same sightings as logs give, with
 * `evidence.packet` instead of `line`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import * as pb from '../src/evidence/pcap/testing/packet-builder.js';
import { writePcap, writePcapng } from '../src/evidence/pcap/testing/capture-writer.js';
import { sightline, tempCase, jsonLines } from './cli.js';

const T0 = Date.UTC(2013, 4, 6, 2, 11, 0);

function packets() {
  const eth = (p: Buffer) => pb.ethernet(p, 0x0800);
  return [
    { ts: T0, data: eth(pb.ip('10.1.2.3', '192.0.2.53', 17, pb.udp(53001, 53, pb.dnsMessage({ id: 7, name: 'News.Faceboak.NET' })))) },
    { ts: T0 + 20, data: eth(pb.ip('192.0.2.53', '10.1.2.3', 17, pb.udp(53, 53001, pb.dnsMessage({ id: 7, name: 'news.faceboak.net', response: true, answers: [{ type: 'A', value: '103.231.184.163' }] })))) },
    { ts: T0 + 50, data: eth(pb.ip('10.1.2.3', '198.51.100.9', 6, pb.tcp({ sport: 49200, dport: 80, seq: 1, flags: pb.TCP.SYN }))) },
    { ts: T0 + 100, data: eth(pb.ip('10.1.2.3', '198.51.100.9', 6, pb.tcp({ sport: 49200, dport: 80, seq: 2, flags: pb.TCP.PSH | pb.TCP.ACK,
      payload: pb.httpRequest('GET', '/nt/upl.php?id=3', [['Host', 'www.vipmailru.com']]) }))) },
    { ts: T0 + 1000, data: eth(pb.ip('10.7.7.7', '198.51.100.40', 6, pb.tcp({ sport: 50100, dport: 443, seq: 1, flags: pb.TCP.PSH | pb.TCP.ACK,
      payload: pb.tlsRecords(pb.clientHello('badfaceboak.net')) }))) },
  ];
}

test('captures: DNS, HTTP and TLS sightings with packet numbers, in pcap, pcapng and gzip alike', () => {
  const c = tempCase();
  try {
    const intel = join(c.dir, 'intel.txt');
    writeFileSync(intel, 'faceboak.net\nvipmailru.com\n103.231.184.163\n');
    assert.equal(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'NetTraveler', intel]).status, 0);
    const ps = packets();
    writeFileSync(join(c.dir, 'a.pcap'), writePcap(ps));
    writeFileSync(join(c.dir, 'b.pcapng'), writePcapng([{ interfaces: [{ linktype: 1 }], blocks: ps.map((p) => ({ type: 'epb' as const, iface: 0, ticks: BigInt(p.ts) * 1000n, data: p.data })) }]));
    writeFileSync(join(c.dir, 'c.pcap.gz'), gzipSync(writePcap(ps, { nano: true, bigEndian: true })));
    const r = sightline(['--db', c.db, 'hunt', '--json', c.dir]);
    assert.equal(r.status, 0, r.stderr);
    const got = (jsonLines(r.stdout) as Array<{ field: string; matched: string; ts: string; src: string; dst: string; evidence: { path: string; format: string; packet?: number; line?: number } }>)
      .filter((s) => !s.evidence.path.endsWith('intel.txt'))
      .map((s) => [s.evidence.path.slice(c.dir.length + 1), s.evidence.format, s.evidence.packet, s.field, s.matched, s.src, s.dst, s.ts]);
    const expected = (file: string, format: string) => [
      [file, format, 1, 'dns.query', 'news.faceboak.net', '10.1.2.3', '192.0.2.53', '2013-05-06T02:11:00.000Z'],
      [file, format, 2, 'dns.query', 'news.faceboak.net', '10.1.2.3', '192.0.2.53', '2013-05-06T02:11:00.020Z'],
      [file, format, 2, 'dns.answer', '103.231.184.163', '10.1.2.3', '192.0.2.53', '2013-05-06T02:11:00.020Z'],
      [file, format, 4, 'http.host', 'www.vipmailru.com', '10.1.2.3', '198.51.100.9', '2013-05-06T02:11:00.100Z'],
    ];
    assert.deepEqual(got, [...expected('a.pcap', 'pcap'), ...expected('b.pcapng', 'pcapng'), ...expected('c.pcap.gz', 'pcap')]);
    // Several files start the worker pool, where each capture is read, decoded and matched (and hashed) by a
    // worker; in one thread (--workers 1) a fresh case stores exactly the same.
    const one = tempCase();
    try {
      assert.equal(sightline(['--db', one.db, 'intel', 'import', '--campaign', 'NetTraveler', intel]).status, 0);
      const r1 = sightline(['--db', one.db, 'hunt', '--json', '--workers', '1', c.dir]);
      assert.equal(r1.status, 0, r1.stderr);
      const captures = (out: string) => (jsonLines(out) as Array<{ evidence: { path: string } }>).filter((s) => /\.(pcap|pcapng|pcap\.gz)$/.test(s.evidence.path));
      assert.deepEqual(captures(r1.stdout), captures(r.stdout));
      // Hunted again with the pool: nothing new (the files are known, by path and by sha256).
      assert.equal(sightline(['--db', one.db, 'hunt', '--json', c.dir]).stdout, '');
    } finally {
      one.done();
    }
  } finally {
    c.done();
  }
});

test('every capture format editcap writes is read, or named as a format Sightline does not read — none is scanned as a plain file', () => {
  const c = tempCase();
  try {
    const dir = 'src/evidence/pcap/testdata/formats';
    writeFileSync(join(c.dir, 'intel.txt'), 'made-up-name.example\n');
    assert.equal(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'T', join(c.dir, 'intel.txt')]).status, 0);
    const r = sightline(['--db', c.db, 'hunt', '--json', dir]);
    assert.equal(r.status, 2, r.stderr);
    const unsupported = r.stderr.split('\n').filter((l) => l.includes('which Sightline does not read')).map((l) => l.split(':')[0]!.split('.').pop()).sort();
    assert.deepEqual(unsupported, ['5views', 'btsnoop', 'commview-ncf', 'commview-ncfx', 'eyesdn', 'k12text', 'lanalyzer', 'netmon1', 'netmon2',
      'nettl', 'ngsniffer', 'ngwsniffer_1_1', 'ngwsniffer_2_0', 'observer', 'snoop', 'visual']);
    // The pcap variants are read as captures and give the same sightings as the original.
    const byFile = new Map<string, string[]>();
    for (const s of jsonLines(r.stdout) as Array<{ matched: string; field: string; evidence: { path: string; format: string; packet: number } }>) {
      const k = s.evidence.path.split('.').pop()!;
      byFile.set(k, [...(byFile.get(k) ?? []), `${s.evidence.format}:${s.evidence.packet}:${s.field}:${s.matched}`]);
    }
    const strip = (xs: string[] | undefined) => (xs ?? []).map((x) => x.replace(/^pcap(ng)?:/, ''));
    const original = strip(byFile.get('pcap'));
    assert.ok(original.length > 0);
    for (const v of ['pcapng', 'modpcap', 'nokiapcap', 'nsecpcap', 'rh6_1pcap', 'suse6_3pcap']) assert.deepEqual(strip(byFile.get(v)), original, v);
    // Only the script that made them is text.
    assert.deepEqual(r.stderr.split('\n').filter((l) => l.includes('no log format recognised')).map((l) => l.split(':')[0]), [`${dir}/make-formats.sh`]);
  } finally {
    c.done();
  }
});
