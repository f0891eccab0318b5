/**
 * Protocols told by content on any port (DNS over UDP and TCP, HTTP, TLS), the
 * classification kept per flow, TLS and HTTP inside CONNECT tunnels, and
 * absolute-form request targets. Fixtures from the packet builder; expected
 * values are the names put into the fixtures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDiagnostic } from '../../core/diagnostic.js';
import type { Observation } from '../../core/model.js';
import { CaptureReader } from './capture-reader.js';
import { writePcap } from './testing/capture-writer.js';
import { clientHello, dnsMessage, dnsOverTcp, ethernet, httpRequest, ip, TCP, tcp, tlsRecords, udp } from './testing/packet-builder.js';

const C = '10.0.0.5', S = '192.0.2.80', R = '192.0.2.53';

function read(frames: Buffer[]): { obs: string[]; diags: string[] } {
  const raw: Observation[] = [];
  const diags: string[] = [];
  const reader = new CaptureReader('t.pcap', { observe: (o) => raw.push(o), diagnostic: (d) => diags.push(formatDiagnostic(d)) });
  reader.push(writePcap(frames.map((data, i) => ({ ts: 1_000_000 + i, data }))));
  reader.end();
  const obs = raw.filter((o) => !o.field.startsWith('conn.')).map((o) => `${o.packet} ${o.field} ${o.kind} ${o.value} ${o.src}>${o.dst}`);
  return { obs, diags };
}

const eth = (p: Buffer): Buffer => ethernet(p, 0x0800);
const udpFrame = (src: string, dst: string, sport: number, dport: number, payload: Buffer): Buffer => eth(ip(src, dst, 17, udp(sport, dport, payload)));

/** A TCP conversation: handshake, then the steps in order ('c' client to server, 's' server to client). */
function conversation(sport: number, dport: number, steps: Array<['c' | 's', Buffer]>, c = C, s = S): Buffer[] {
  const f = (src: string, dst: string, seg: Buffer): Buffer => eth(ip(src, dst, 6, seg));
  const out = [f(c, s, tcp({ sport, dport, seq: 1000, flags: TCP.SYN })), f(s, c, tcp({ sport: dport, dport: sport, seq: 5000, flags: TCP.SYN | TCP.ACK }))];
  let cs = 1001, ss = 5001;
  for (const [who, p] of steps) {
    if (who === 'c') { out.push(f(c, s, tcp({ sport, dport, seq: cs, flags: TCP.ACK, payload: p }))); cs += p.length; }
    else { out.push(f(s, c, tcp({ sport: dport, dport: sport, seq: ss, flags: TCP.ACK, payload: p }))); ss += p.length; }
  }
  return out;
}

const answer = (name: string, addr: string): Buffer => dnsMessage({ name, response: true, answers: [{ type: 'A', value: addr }] });

test('DNS over UDP on ports that do not say so (5300, 8053) is read by content', () => {
  const r = read([
    udpFrame(C, R, 40000, 5300, dnsMessage({ name: 'resolver.made-up.example' })),
    udpFrame(R, C, 5300, 40000, answer('resolver.made-up.example', '127.0.0.9')),
    udpFrame(C, R, 40001, 8053, dnsMessage({ name: 'c2.made-up.example' })),
  ]);
  assert.deepEqual(r.obs, [
    `1 dns.query domain resolver.made-up.example ${C}>${R}`,
    `2 dns.query domain resolver.made-up.example ${C}>${R}`, `2 dns.answer ip 127.0.0.9 ${C}>${R}`,
    `3 dns.query domain c2.made-up.example ${C}>${R}`,
  ]);
  assert.deepEqual(r.diags, []);
});

test('a flow found to carry DNS keeps it: a later datagram too loose to be told by content is still read', () => {
  const loose = Buffer.concat([answer('later.made-up.example', '192.0.2.7'), Buffer.from([0xde, 0xad])]); // trailing bytes
  const other = udpFrame(C, R, 40009, 5300, loose); // the same bytes on a flow never found to be DNS
  const r = read([udpFrame(C, R, 40000, 5300, dnsMessage({ name: 'first.made-up.example' })), udpFrame(R, C, 5300, 40000, loose), other]);
  assert.deepEqual(r.obs, [
    `1 dns.query domain first.made-up.example ${C}>${R}`,
    `2 dns.query domain later.made-up.example ${C}>${R}`, `2 dns.answer ip 192.0.2.7 ${C}>${R}`,
  ]);
  assert.deepEqual(r.diags, []); // trailing bytes after the records are not an error for readDnsMessage
});

test('random UDP payloads on high ports are not taken for DNS', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), fc.integer({ min: 1024, max: 65535 }), (payload, port) => {
    if (port === 5353 || port === 5355) return;
    const r = read([udpFrame(C, S, 40000, port, Buffer.from(payload)), udpFrame(S, C, port, 40000, Buffer.from(payload).reverse())]);
    assert.deepEqual(r.obs, []);
    assert.deepEqual(r.diags, []);
  }), { seed: 5300, numRuns: 3000 });
});

test('NetBIOS name service on 137 is DNS-shaped but not DNS', () => {
  const nbns = dnsMessage({ name: 'FHEPFCELEHFCEPFFFACACACACACACAAA' });
  nbns.writeUInt16BE(0x20, nbns.length - 4); // type NB
  assert.deepEqual(read([udpFrame(C, '10.0.0.255', 137, 137, nbns)]).obs, []);
  // The same bytes on another port do parse as DNS: it is the port that says NBNS.
  assert.deepEqual(read([udpFrame(C, '10.0.0.255', 40000, 40000, nbns)]).obs, [`1 dns.query domain FHEPFCELEHFCEPFFFACACACACACACAAA ${C}>10.0.0.255`]);
});

test('DNS over TCP on another port: told from the length-prefixed message, split over segments; the reply side follows', () => {
  const q = dnsOverTcp(dnsMessage({ name: 'tcp.made-up.example' }));
  const a = dnsOverTcp(answer('tcp.made-up.example', '127.0.0.10'));
  const r = read(conversation(40010, 8053, [['c', q.subarray(0, 1)], ['c', q.subarray(1, 9)], ['c', q.subarray(9)], ['s', a]], C, R));
  assert.deepEqual(r.obs, [
    `5 dns.query domain tcp.made-up.example ${C}>${R}`,
    `6 dns.query domain tcp.made-up.example ${C}>${R}`, `6 dns.answer ip 127.0.0.10 ${C}>${R}`,
  ]);
});

test('HTTP and TLS are told by content on any TCP port', () => {
  const r = read([
    ...conversation(40020, 5300, [['c', httpRequest('GET', '/p', [['Host', 'web.made-up.example']])]]),
    ...conversation(40021, 8053, [['c', tlsRecords(clientHello('tls.made-up.example'))]]),
  ]);
  assert.deepEqual(r.obs, [
    `3 http.host domain web.made-up.example ${C}>${S}`, `3 http.url url http://web.made-up.example/p ${C}>${S}`,
    `6 tls.sni domain tls.made-up.example ${C}>${S}`,
  ]);
});

const CONNECT = httpRequest('CONNECT', 'tunnel.made-up.example:8443', [['Host', 'tunnel.made-up.example:8443'], ['User-Agent', 'curl/7.88.1']]);
const OK = Buffer.from('HTTP/1.1 200 Connection established\r\n\r\n');
const HELLO = tlsRecords(clientHello('sni.made-up.example'));

test('CONNECT: the target host is http.host; after the proxy\'s 200 the client\'s TLS ClientHello gives tls.sni', () => {
  const r = read(conversation(40030, 3128, [['c', CONNECT], ['s', OK], ['c', HELLO.subarray(0, 40)], ['c', HELLO.subarray(40)]]));
  assert.deepEqual(r.obs, [`3 http.host domain tunnel.made-up.example ${C}>${S}`, `6 tls.sni domain sni.made-up.example ${C}>${S}`]);
  assert.deepEqual(r.diags, []);
});

test('CONNECT: a Host header naming another host is reported too; an IPv6 target is an ip', () => {
  const req = httpRequest('CONNECT', '[2001:db8::7]:443', [['Host', 'other.made-up.example']]);
  const r = read(conversation(40031, 3128, [['c', req]]));
  assert.deepEqual(r.obs, [`3 http.host ip 2001:db8::7 ${C}>${S}`, `3 http.host domain other.made-up.example ${C}>${S}`]);
});

test('CONNECT: bytes the client sends before the reply are held and read once the tunnel opens (at the reply\'s packet)', () => {
  const r = read(conversation(40032, 3128, [['c', Buffer.concat([CONNECT, HELLO])], ['s', OK]]));
  assert.deepEqual(r.obs, [`3 http.host domain tunnel.made-up.example ${C}>${S}`, `4 tls.sni domain sni.made-up.example ${C}>${S}`]);
});

test('CONNECT answered 407 does not switch the flow to TLS; a retry with credentials answered 200 (after 100) does', () => {
  const denied = Buffer.from('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="p"\r\nContent-Length: 5\r\n\r\nno!!\n');
  const retry = httpRequest('CONNECT', 'tunnel.made-up.example:8443', [['Host', 'tunnel.made-up.example:8443'], ['Proxy-Authorization', 'Basic dTpw']]);
  const refused = read(conversation(40033, 3128, [['c', CONNECT], ['s', denied], ['c', HELLO]]));
  assert.deepEqual(refused.obs, [`3 http.host domain tunnel.made-up.example ${C}>${S}`]);
  const held = read(conversation(40034, 3128, [['c', Buffer.concat([CONNECT, HELLO])], ['s', denied]]));
  assert.deepEqual(held.obs, [`3 http.host domain tunnel.made-up.example ${C}>${S}`]);
  const retried = read(conversation(40035, 3128, [
    ['c', CONNECT], ['s', denied.subarray(0, 30)], ['s', denied.subarray(30)], ['c', retry],
    ['s', Buffer.from('HTTP/1.1 100 Continue\r\n\r\n')], ['s', OK], ['c', HELLO],
  ]));
  assert.deepEqual(retried.obs, [
    `3 http.host domain tunnel.made-up.example ${C}>${S}`, `6 http.host domain tunnel.made-up.example ${C}>${S}`,
    `9 tls.sni domain sni.made-up.example ${C}>${S}`,
  ]);
});

test('a plain-HTTP tunnel is told by content: its requests are read, without a Host header named by the CONNECT target', () => {
  const connect = httpRequest('CONNECT', 'inner.made-up.example:8080', [['Host', 'inner.made-up.example:8080']]);
  const r = read(conversation(40036, 3128, [
    ['c', connect], ['s', OK],
    ['c', Buffer.from('GET /a HTTP/1.0\r\n\r\n')], ['c', httpRequest('GET', '/b', [['Host', 'b.made-up.example']])],
  ]));
  assert.deepEqual(r.obs, [
    `3 http.host domain inner.made-up.example ${C}>${S}`,
    `5 http.url url http://inner.made-up.example:8080/a ${C}>${S}`,
    `6 http.host domain b.made-up.example ${C}>${S}`, `6 http.url url http://b.made-up.example/b ${C}>${S}`,
  ]);
});

test('a DNS-over-TCP tunnel through CONNECT is told by content', () => {
  const r = read(conversation(40037, 3128, [['c', CONNECT], ['s', OK], ['c', dnsOverTcp(dnsMessage({ name: 'inside.made-up.example' }))]]));
  assert.deepEqual(r.obs, [`3 http.host domain tunnel.made-up.example ${C}>${S}`, `5 dns.query domain inside.made-up.example ${C}>${S}`]);
});

test('a proxy reply that is no HTTP, or a reply head too large, opens no tunnel; the latter is a diagnostic', () => {
  const junk = read(conversation(40038, 3128, [['c', CONNECT], ['s', Buffer.from('SSH-2.0-x\r\n\r\n')], ['c', HELLO]]));
  assert.deepEqual(junk.obs, [`3 http.host domain tunnel.made-up.example ${C}>${S}`]);
  const huge = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nX: '), Buffer.alloc(9000, 0x61)]);
  const big = read(conversation(40039, 3128, [['c', CONNECT], ['s', huge], ['c', HELLO]]));
  assert.deepEqual(big.obs, [`3 http.host domain tunnel.made-up.example ${C}>${S}`]);
  assert.deepEqual(big.diags, ['t.pcap:packet 4: HTTP reply head over 8192 bytes: rest of the stream not read']);
});

test('absolute-form target: the URL\'s host and a different Host header are both http.host (RFC 9112 §3.2.2); the URL is the target', () => {
  const r = read(conversation(40040, 8080, [
    ['c', httpRequest('GET', 'http://a.made-up.example/x', [['Host', 'other.made-up.example']])],
    ['c', httpRequest('GET', 'http://Same.made-up.example:8080/y', [['Host', 'same.made-up.example:8080']])],
    ['c', httpRequest('GET', 'http://192.0.2.9/z', [])],
  ]));
  assert.deepEqual(r.obs, [
    `3 http.host domain a.made-up.example ${C}>${S}`, `3 http.host domain other.made-up.example ${C}>${S}`,
    `3 http.url url http://a.made-up.example/x ${C}>${S}`,
    `4 http.host domain Same.made-up.example ${C}>${S}`, `4 http.url url http://Same.made-up.example:8080/y ${C}>${S}`,
    `5 http.host ip 192.0.2.9 ${C}>${S}`, `5 http.url url http://192.0.2.9/z ${C}>${S}`,
  ]);
});

test('CONNECT seen from the client side only: the held bytes are told by content at the end of the capture, at the packet where they began', () => {
  // One-direction capture (a SPAN port of the client's traffic): no SYN-ACK, no proxy reply.
  const clientOnly = (frames: Buffer[]): Buffer[] => frames.filter((_, i) => i !== 1);
  const together = read(clientOnly(conversation(40040, 3128, [['c', Buffer.concat([CONNECT, HELLO])]])));
  assert.deepEqual(together.obs, [`2 http.host domain tunnel.made-up.example ${C}>${S}`, `2 tls.sni domain sni.made-up.example ${C}>${S}`]);
  assert.deepEqual(together.diags, []);
  const apart = read(clientOnly(conversation(40041, 3128, [['c', CONNECT], ['c', HELLO.subarray(0, 50)], ['c', HELLO.subarray(50)]])));
  assert.deepEqual(apart.obs, [`2 http.host domain tunnel.made-up.example ${C}>${S}`, `3 tls.sni domain sni.made-up.example ${C}>${S}`]);
  const http = read(clientOnly(conversation(40042, 3128, [['c', CONNECT], ['c', Buffer.from('GET /a HTTP/1.0\r\n\r\n')]])));
  assert.deepEqual(http.obs, [`2 http.host domain tunnel.made-up.example ${C}>${S}`, `3 http.url url http://tunnel.made-up.example:8443/a ${C}>${S}`]);
  const dns = read(clientOnly(conversation(40043, 3128, [['c', CONNECT], ['c', dnsOverTcp(dnsMessage({ name: 'inside.made-up.example' }))]])));
  assert.deepEqual(dns.obs, [`2 http.host domain tunnel.made-up.example ${C}>${S}`, `3 dns.query domain inside.made-up.example ${C}>${S}`]);
});

test('CONNECT whose proxy reply is cut off mid-head: held bytes are read at the end; two such flows come out in packet order', () => {
  const c2 = '10.0.0.6';
  const a = conversation(40044, 3128, [['c', CONNECT], ['s', OK.subarray(0, 10)], ['c', HELLO]]);
  const b = conversation(40045, 3128, [['c', CONNECT], ['c', HELLO]], c2);
  // b's packets (1-4) first, then a's (5-9): b's tunnel bytes (packet 4) come before a's (packet 9).
  const r = read([...b, ...a]);
  assert.deepEqual(r.obs, [
    `3 http.host domain tunnel.made-up.example ${c2}>${S}`,
    `7 http.host domain tunnel.made-up.example ${C}>${S}`,
    `4 tls.sni domain sni.made-up.example ${c2}>${S}`,
    `9 tls.sni domain sni.made-up.example ${C}>${S}`,
  ]);
});
