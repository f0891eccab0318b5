/**
 * Test fixture builders: link frames, IPv4/IPv6 (with fragments and extension
 * headers), UDP/TCP segments, DNS messages, HTTP requests and TLS
 * ClientHellos, all as Buffers. Checksums are left zero (readers ignore them).
 */
import { parseIPv4, parseIPv6 } from '../../../core/normalize.js';

/** Address bytes of an IPv4 or IPv6 text address. */
export function addressBytes(ip: string): Buffer {
  const v4 = parseIPv4(ip);
  if (v4 !== null) { const b = Buffer.alloc(4); b.writeUInt32BE(v4); return b; }
  const g = parseIPv6(ip);
  if (!g) throw new Error(`bad address ${ip}`);
  const b = Buffer.alloc(16);
  g.forEach((x, i) => b.writeUInt16BE(x, 2 * i));
  return b;
}

/** Ethernet II frame; vlans are [tpid, vid] pairs outermost first (0x8100, 0x88a8, 0x9100). */
export function ethernet(payload: Buffer, ethertype: number, vlans: Array<[number, number]> = []): Buffer {
  const head = Buffer.alloc(12, 0x11);
  const tags = vlans.map(([tpid, vid]) => { const t = Buffer.alloc(4); t.writeUInt16BE(tpid); t.writeUInt16BE(vid, 2); return t; });
  const et = Buffer.alloc(2); et.writeUInt16BE(ethertype);
  return Buffer.concat([head, ...tags, et, payload]);
}

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL) header + payload. */
export function sll(payload: Buffer, protocol: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(0, 0); h.writeUInt16BE(1, 2); h.writeUInt16BE(6, 4); h.writeUInt16BE(protocol, 14);
  return Buffer.concat([h, payload]);
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2) header + payload. */
export function sll2(payload: Buffer, protocol: number): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(protocol, 0); h.writeUInt32BE(2, 4); h.writeUInt16BE(1, 8); h[11] = 6;
  return Buffer.concat([h, payload]);
}

/** BSD loopback: a 4-byte address family (2 = IPv4, 24/28/30 = IPv6) in the given byte order. */
export function loopback(payload: Buffer, family: number, littleEndian: boolean): Buffer {
  const h = Buffer.alloc(4);
  if (littleEndian) h.writeUInt32LE(family); else h.writeUInt32BE(family);
  return Buffer.concat([h, payload]);
}

/** NFLOG (LINKTYPE_NFLOG): header, a prefix TLV, then the payload TLV (type 9), little-endian TLVs. */
export function nflog(payload: Buffer, family = 2): Buffer {
  const h = Buffer.from([family, 0, 0, 0]);
  const tlv = (type: number, value: Buffer): Buffer => {
    const t = Buffer.alloc(4 + value.length + ((4 - (value.length % 4)) % 4));
    t.writeUInt16LE(4 + value.length, 0); t.writeUInt16LE(type, 2); value.copy(t, 4);
    return t;
  };
  return Buffer.concat([h, tlv(10, Buffer.from('prefix\0')), tlv(9, payload)]);
}

/** Options of an IPv4 packet. */
export interface IPv4Options { src: string; dst: string; proto: number; payload: Buffer; id?: number; fragOffset?: number; moreFragments?: boolean; totalLength?: number }

/** IPv4 packet (20-byte header). fragOffset is in bytes (a multiple of 8). */
export function ipv4(o: IPv4Options): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(o.totalLength ?? 20 + o.payload.length, 2);
  h.writeUInt16BE(o.id ?? 1, 4);
  h.writeUInt16BE(((o.moreFragments ? 1 : 0) << 13) | ((o.fragOffset ?? 0) >> 3), 6);
  h[8] = 64; h[9] = o.proto;
  addressBytes(o.src).copy(h, 12); addressBytes(o.dst).copy(h, 16);
  return Buffer.concat([h, o.payload]);
}

/** An IPv6 extension header: type 0/43/60 (8-byte units), 44 fragment, 51 AH. */
export interface IPv6Extension { type: 0 | 43 | 44 | 51 | 60; fragOffset?: number; moreFragments?: boolean }

/** IPv6 packet with the given extension headers before the payload's protocol. */
export function ipv6(o: { src: string; dst: string; next: number; payload: Buffer; ext?: IPv6Extension[] }): Buffer {
  const exts = o.ext ?? [];
  const parts: Buffer[] = [];
  exts.forEach((e, i) => {
    const next = i + 1 < exts.length ? exts[i + 1]!.type : o.next;
    let b: Buffer;
    if (e.type === 44) {
      b = Buffer.alloc(8); b.writeUInt16BE(((e.fragOffset ?? 0) & 0xfff8) | (e.moreFragments ? 1 : 0), 2); b.writeUInt32BE(7, 4);
    } else if (e.type === 51) {
      b = Buffer.alloc(16); b[1] = 2; // (2+2)*4 = 16 bytes
    } else {
      b = Buffer.alloc(16); b[1] = 1; // (1+1)*8 = 16 bytes
    }
    b[0] = next;
    parts.push(b);
  });
  const body = Buffer.concat([...parts, o.payload]);
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000);
  h.writeUInt16BE(body.length, 4);
  h[6] = exts.length ? exts[0]!.type : o.next; h[7] = 64;
  addressBytes(o.src).copy(h, 8); addressBytes(o.dst).copy(h, 24);
  return Buffer.concat([h, body]);
}

/** An IP packet of the right version for the addresses. */
export function ip(src: string, dst: string, proto: number, payload: Buffer): Buffer {
  return src.includes(':') ? ipv6({ src, dst, next: proto, payload }) : ipv4({ src, dst, proto, payload });
}

/** UDP datagram. */
export function udp(sport: number, dport: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(sport, 0); h.writeUInt16BE(dport, 2); h.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([h, payload]);
}

/** TCP flag bits. */
export const TCP = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16 } as const;

/** TCP segment (20-byte header). */
export function tcp(o: { sport: number; dport: number; seq: number; flags: number; payload?: Buffer }): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(o.sport, 0); h.writeUInt16BE(o.dport, 2); h.writeUInt32BE(o.seq >>> 0, 4);
  h[12] = 5 << 4; h[13] = o.flags; h.writeUInt16BE(65535, 14);
  return Buffer.concat([h, o.payload ?? Buffer.alloc(0)]);
}

/** A name in DNS wire format (no compression). */
export function dnsName(name: string): Buffer {
  const parts = name === '' ? [] : name.split('.');
  return Buffer.concat([...parts.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])), Buffer.from([0])]);
}

/** A DNS answer: A/AAAA address or CNAME target. */
export interface DnsAnswer { type: 'A' | 'AAAA' | 'CNAME'; value: string }

/** A DNS query (response: false) or response for one name; answers' owner names use a pointer to the question. */
export function dnsMessage(o: { id?: number; name: string; response?: boolean; answers?: DnsAnswer[] }): Buffer {
  const answers = o.answers ?? [];
  const h = Buffer.alloc(12);
  h.writeUInt16BE(o.id ?? 0x1234, 0);
  h.writeUInt16BE(o.response ? 0x8180 : 0x0100, 2);
  h.writeUInt16BE(1, 4); h.writeUInt16BE(answers.length, 6);
  const q = Buffer.concat([dnsName(o.name), Buffer.from([0, 1, 0, 1])]);
  const rrs = answers.map((a) => {
    const rdata = a.type === 'CNAME' ? dnsName(a.value) : addressBytes(a.value);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question name at byte 12
    rr.writeUInt16BE(a.type === 'A' ? 1 : a.type === 'AAAA' ? 28 : 5, 2);
    rr.writeUInt16BE(1, 4); rr.writeUInt32BE(300, 6); rr.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([rr, rdata]);
  });
  return Buffer.concat([h, q, ...rrs]);
}

/** DNS over TCP: each message behind its 2-byte length. */
export function dnsOverTcp(...messages: Buffer[]): Buffer {
  return Buffer.concat(messages.map((m) => { const l = Buffer.alloc(2); l.writeUInt16BE(m.length); return Buffer.concat([l, m]); }));
}

/** An HTTP/1.1 request head (+ body) with CRLF line ends. */
export function httpRequest(method: string, target: string, headers: Array<[string, string]>, body = ''): Buffer {
  const lines = [`${method} ${target} HTTP/1.1`, ...headers.map(([k, v]) => `${k}: ${v}`), '', ''];
  return Buffer.from(lines.join('\r\n') + body, 'latin1');
}

/** A TLS ClientHello handshake message (type 1 + 3-byte length) with server_name when sni is given. */
export function clientHello(sni: string | null, padding = 0): Buffer {
  const exts: Buffer[] = [];
  if (sni !== null) {
    const name = Buffer.from(sni, 'latin1');
    const e = Buffer.alloc(9 + name.length);
    e.writeUInt16BE(0, 0); e.writeUInt16BE(5 + name.length, 2); e.writeUInt16BE(3 + name.length, 4);
    e[6] = 0; e.writeUInt16BE(name.length, 7); name.copy(e, 9);
    exts.push(e);
  }
  if (padding > 0) { const p = Buffer.alloc(4 + padding); p.writeUInt16BE(21, 0); p.writeUInt16BE(padding, 2); exts.push(p); }
  const ext = Buffer.concat(exts);
  const extLen = Buffer.alloc(2); extLen.writeUInt16BE(ext.length);
  const body = Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32, 7), Buffer.from([0]), Buffer.from([0, 2, 0x13, 0x01]), Buffer.from([1, 0]), extLen, ext]);
  const h = Buffer.from([1, (body.length >> 16) & 255, (body.length >> 8) & 255, body.length & 255]);
  return Buffer.concat([h, body]);
}

/** Handshake bytes cut into TLS records of at most `recordSize` bytes each. */
export function tlsRecords(handshake: Buffer, recordSize = 16384): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; i < handshake.length; i += recordSize) {
    const frag = handshake.subarray(i, i + recordSize);
    const h = Buffer.from([0x16, 3, 1, 0, 0]);
    h.writeUInt16BE(frag.length, 3);
    out.push(h, frag);
  }
  return Buffer.concat(out);
}
