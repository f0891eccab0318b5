import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiagnostic } from '../../core/diagnostic.js';
import type { Observation } from '../../core/model.js';
import { CaptureReader } from './capture-reader.js';
import { writePcap } from './testing/capture-writer.js';
import {
  clientHello, dnsMessage, dnsOverTcp, ethernet, httpRequest, ip, ipv4, ipv6, loopback, nflog, sll, sll2, TCP, tcp, tlsRecords, udp,
} from './testing/packet-builder.js';

const C = '10.0.0.5', S = '192.0.2.80';

function read(frames: Buffer[], linktype = 1): { obs: string[]; raw: Observation[]; diags: string[]; reader: CaptureReader } {
  const raw: Observation[] = [];
  const diags: string[] = [];
  const reader = new CaptureReader('t.pcap', { observe: (o) => raw.push(o), diagnostic: (d) => diags.push(formatDiagnostic(d)) });
  reader.push(writePcap(frames.map((data, i) => ({ ts: 1_000_000 + i, data })), { linktype }));
  reader.end();
  return { obs: raw.map((o) => `${o.packet} ${o.field} ${o.kind} ${o.value} ${o.src}>${o.dst}`), raw, diags, reader };
}

const eth = (p: Buffer, v6 = false): Buffer => ethernet(p, v6 ? 0x86dd : 0x0800);
const dnsQ = (name: string, src = C, dst = '192.0.2.53'): Buffer => ip(src, dst, 17, udp(40000, 53, dnsMessage({ name })));

test('DNS over UDP: queries, A/AAAA/CNAME answers, src is the asker for responses too; one conn per flow', () => {
  const r = read([
    eth(dnsQ('www.Example.net')),
    eth(ip('192.0.2.53', C, 17, udp(53, 40000, dnsMessage({ name: 'www.Example.net', response: true, answers: [
      { type: 'CNAME', value: 'cdn.example.org' }, { type: 'A', value: '198.51.100.7' }, { type: 'AAAA', value: '2001:db8:0:0:0:0:0:1' }] })))),
  ]);
  assert.deepEqual(r.obs, [
    `1 conn.orig_h ip ${C} ${C}>192.0.2.53`, `1 conn.resp_h ip 192.0.2.53 ${C}>192.0.2.53`,
    `1 dns.query domain www.Example.net ${C}>192.0.2.53`,
    `2 dns.query domain www.Example.net ${C}>192.0.2.53`,
    `2 dns.answer ip 198.51.100.7 ${C}>192.0.2.53`, `2 dns.answer ip 2001:db8::1 ${C}>192.0.2.53`,
    `2 dns.answer domain cdn.example.org ${C}>192.0.2.53`,
  ]);
  assert.equal(r.raw[2]!.ts, 1_000_000);
});

test('link types: Ethernet with 802.1Q and QinQ, SLL, SLL2, raw, null/loop both orders, NFLOG', () => {
  const q = dnsQ('a.example');
  const cases: Array<[number, Buffer]> = [
    [1, ethernet(q, 0x0800, [[0x8100, 5]])],
    [1, ethernet(q, 0x0800, [[0x88a8, 1], [0x8100, 2]])],
    [1, ethernet(q, 0x0800, [[0x9100, 1], [0x8100, 2]])],
    [113, sll(q, 0x0800)], [276, sll2(q, 0x0800)],
    [12, q], [14, q], [101, q], [228, q], [229, dnsQ('a.example', '2001:db8::5', '2001:db8::53')],
    [0, loopback(q, 2, true)], [0, loopback(q, 2, false)], [108, loopback(q, 2, false)], [239, nflog(q)],
  ];
  for (const [lt, f] of cases) {
    assert.deepEqual(read([f], lt).raw.filter((o) => o.field === 'dns.query').map((o) => o.value), ['a.example'], `linktype ${lt}`);
  }
  assert.deepEqual(read([ethernet(q, 0x0806)]).obs, []); // ARP: not IP
});

test('IPv4 fragments: the first is read, later ones skipped and counted; IPv6 extension headers walked', () => {
  const msg = udp(40000, 53, dnsMessage({ name: 'frag.example' }));
  const r = read([
    eth(ipv4({ src: C, dst: S, proto: 17, payload: msg, moreFragments: true, totalLength: 20 + msg.length + 64 })),
    eth(ipv4({ src: C, dst: S, proto: 17, payload: Buffer.alloc(64), fragOffset: msg.length + 8 })),
    eth(ipv6({ src: '2001:db8::5', dst: '2001:db8::53', next: 17, payload: udp(1, 53, dnsMessage({ name: 'ext.example' })), ext: [{ type: 0 }, { type: 60 }, { type: 43 }, { type: 51 }, { type: 44 }] }), true),
    eth(ipv6({ src: '2001:db8::5', dst: '2001:db8::53', next: 17, payload: Buffer.alloc(16), ext: [{ type: 44, fragOffset: 1448 }] }), true),
  ]);
  assert.deepEqual(r.raw.filter((o) => o.field === 'dns.query').map((o) => `${o.packet} ${o.value}`), ['1 frag.example', '3 ext.example']);
  assert.equal(r.reader.stats.skippedFragments, 2);
  assert.deepEqual(r.diags, []);
});

function tcpSession(c: string, s: string, sport: number, dport: number, clientSegments: Buffer[], serverSegments: Buffer[] = []): Buffer[] {
  const v6 = c.includes(':');
  const f = (src: string, dst: string, seg: Buffer): Buffer => eth(ip(src, dst, 6, seg), v6);
  const out = [f(c, s, tcp({ sport, dport, seq: 1000, flags: TCP.SYN })), f(s, c, tcp({ sport: dport, dport: sport, seq: 5000, flags: TCP.SYN | TCP.ACK }))];
  let cs = 1001, ss = 5001;
  for (const p of clientSegments) { out.push(f(c, s, tcp({ sport, dport, seq: cs, flags: TCP.ACK, payload: p }))); cs += p.length; }
  for (const p of serverSegments) { out.push(f(s, c, tcp({ sport: dport, dport: sport, seq: ss, flags: TCP.ACK, payload: p }))); ss += p.length; }
  return out;
}

test('DNS over TCP: messages split across segments and several in one segment', () => {
  const stream = dnsOverTcp(dnsMessage({ name: 'one.example' }), dnsMessage({ name: 'two.example' }), dnsMessage({ name: 'three.example' }));
  const r = read(tcpSession(C, '192.0.2.53', 40000, 53, [stream.subarray(0, 1), stream.subarray(1, 20), stream.subarray(20)]));
  assert.deepEqual(r.raw.filter((o) => o.field === 'dns.query').map((o) => `${o.packet} ${o.value}`), ['5 one.example', '5 two.example', '5 three.example']);
});

test('HTTP: head split across segments, retransmission ignored, pipelined requests after a body, absolute-form target, IP host with port', () => {
  const first = httpRequest('POST', '/up', [['Host', 'www.example.com'], ['Content-Length', '5']], 'hello');
  const second = httpRequest('GET', 'http://proxy.example.org:8080/x?y=1', [['host', 'proxy.example.org:8080']]);
  const third = httpRequest('GET', '/v', [['HOST', '192.0.2.80:8000']]);
  const all = Buffer.concat([first, second, third]);
  const segs = [all.subarray(0, 10), all.subarray(10, 30), all.subarray(30)];
  const frames = tcpSession(C, S, 40001, 80, segs);
  frames.splice(4, 0, frames[3]!); // a retransmission of segment 2
  const r = read(frames);
  assert.deepEqual(r.obs.filter((o) => o.includes('http.')), [
    `6 http.host domain www.example.com ${C}>${S}`, `6 http.url url http://www.example.com/up ${C}>${S}`,
    `6 http.host domain proxy.example.org ${C}>${S}`, `6 http.url url http://proxy.example.org:8080/x?y=1 ${C}>${S}`,
    `6 http.host ip 192.0.2.80 ${C}>${S}`, `6 http.url url http://192.0.2.80:8000/v ${C}>${S}`,
  ]);
  assert.deepEqual(r.obs.slice(0, 2), [`1 conn.orig_h ip ${C} ${C}>${S}`, `1 conn.resp_h ip ${S} ${C}>${S}`]);
});

test('HTTP without Host uses the server address; over IPv6 it is bracketed', () => {
  const r = read(tcpSession('2001:db8::5', '2001:db8::80', 40002, 8080, [Buffer.from('GET /a HTTP/1.0\r\n\r\n')]));
  assert.deepEqual(r.raw.filter((o) => o.field.startsWith('http')).map((o) => `${o.field} ${o.value}`), ['http.url http://[2001:db8::80]:8080/a']);
});

test('TLS ClientHello SNI: split over segments and over several records; a SYN-ACK seen first names the initiator', () => {
  const hello = tlsRecords(clientHello('secret.example.net', 3000), 1000);
  const r = read(tcpSession(C, S, 40003, 443, [hello.subarray(0, 3), hello.subarray(3, 1500), hello.subarray(1500)]));
  assert.deepEqual(r.raw.filter((o) => o.field === 'tls.sni').map((o) => `${o.packet} ${o.value} ${o.src}>${o.dst}`), [`5 secret.example.net ${C}>${S}`]);
  const synAckFirst = read(tcpSession(C, S, 40004, 443, [tlsRecords(clientHello('x.example'))]).slice(1));
  assert.deepEqual(synAckFirst.obs.slice(0, 2), [`1 conn.orig_h ip ${C} ${C}>${S}`, `1 conn.resp_h ip ${S} ${C}>${S}`]);
});

test('hostile DNS: a pointer loop is a diagnostic with the packet number; what came before it stays', () => {
  const m = dnsMessage({ name: 'ok.example', response: true, answers: [{ type: 'A', value: '192.0.2.1' }] });
  const loop = Buffer.concat([m, Buffer.from([0xc0, m.length, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4])]);
  loop.writeUInt16BE(2, 6); // two answers; the second's owner name points at itself
  const r = read([eth(dnsQ('first.example')), eth(ip(S, C, 17, udp(53, 40000, loop)))]);
  assert.deepEqual(r.raw.filter((o) => o.field.startsWith('dns')).map((o) => `${o.packet} ${o.field} ${o.value}`), [
    '1 dns.query first.example', '2 dns.query ok.example', '2 dns.answer 192.0.2.1',
  ]);
  assert.deepEqual(r.diags, [`t.pcap:packet 2: DNS message: compression pointer at byte ${m.length} to byte ${m.length} does not point backwards (a loop)`]);
});

test('the flow table is capped: the oldest flow is forgotten', () => {
  const raw: Observation[] = [];
  const reader = new CaptureReader('t', { observe: (o) => raw.push(o), diagnostic: () => {} }, { maxFlows: 2 });
  reader.push(writePcap(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.1'].map((c, i) => ({ ts: i, data: eth(dnsQ('n.example', c)) }))));
  reader.end();
  assert.deepEqual(raw.filter((o) => o.field === 'conn.orig_h').map((o) => `${o.packet} ${o.value}`), ['1 10.0.0.1', '2 10.0.0.2', '3 10.0.0.3', '4 10.0.0.1']);
});
