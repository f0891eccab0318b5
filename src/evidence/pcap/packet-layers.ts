/**
 * Link, network and transport layers of one packet: link types → IPv4/IPv6 →
 * UDP/TCP, written into a reused PacketLayers object (no allocation per packet).
 * Every offset is bounds-checked; anything unreadable leaves `ipVersion` 0.
 */
import { formatIPv6 } from '../../core/normalize.js';

/** IPv6 extension headers walked before giving up. */
export const MAX_IPV6_EXTENSIONS = 16;
/** VLAN tags (802.1Q, QinQ) skipped before giving up. */
export const MAX_VLAN_TAGS = 8;
/** NFLOG TLVs walked before giving up. */
export const MAX_NFLOG_TLVS = 64;

/** Link types understood (LINKTYPE_* values). */
export const LINKTYPES = {
  NULL: 0, ETHERNET: 1, RAW_12: 12, RAW_14: 14, RAW: 101, LOOP: 108, LINUX_SLL: 113,
  IPV4: 228, IPV6: 229, NFLOG: 239, LINUX_SLL2: 276,
} as const;

const TEREDO_PORT = 3544;

/** What decodeLayers found; reused between packets. */
export interface PacketLayers {
  /** 0 when the packet carries no readable IP. */
  ipVersion: 0 | 4 | 6;
  buf: Buffer;
  /** Offsets of the source and destination addresses in buf (4 or 16 bytes). */
  srcOff: number;
  dstOff: number;
  /** 6 TCP, 17 UDP, anything else: no ports. */
  proto: number;
  sport: number;
  dport: number;
  payloadOff: number;
  payloadLen: number;
  tcpFlags: number;
  tcpSeq: number;
  /** A non-first IP fragment: nothing above IP is readable. */
  laterFragment: boolean;
  /** The payload is cut short (first fragment, or caplen below the IP length). */
  truncated: boolean;
}

/** A fresh PacketLayers to reuse. */
export function createPacketLayers(): PacketLayers {
  return { ipVersion: 0, buf: Buffer.alloc(0), srcOff: 0, dstOff: 0, proto: 0, sport: 0, dport: 0, payloadOff: 0, payloadLen: 0, tcpFlags: 0, tcpSeq: 0, laterFragment: false, truncated: false };
}

/** Decodes link → IP → UDP/TCP of buf[off, off+len) into out; false when it carries no IP. */
export function decodeLayers(linktype: number, buf: Buffer, off: number, len: number, out: PacketLayers): boolean {
  out.ipVersion = 0;
  out.proto = 0;
  out.sport = 0;
  out.dport = 0;
  out.payloadLen = 0;
  out.laterFragment = false;
  out.truncated = false;
  out.buf = buf;
  const end = off + len;
  let p = off;
  let ethertype = -1;
  switch (linktype) {
    case LINKTYPES.ETHERNET: {
      if (len < 14) return false;
      ethertype = buf.readUInt16BE(p + 12);
      p += 14;
      for (let i = 0; i < MAX_VLAN_TAGS && (ethertype === 0x8100 || ethertype === 0x88a8 || ethertype === 0x9100); i++) {
        if (end - p < 4) return false;
        ethertype = buf.readUInt16BE(p + 2);
        p += 4;
      }
      break;
    }
    case LINKTYPES.LINUX_SLL:
      if (len < 16) return false;
      ethertype = buf.readUInt16BE(p + 14);
      p += 16;
      break;
    case LINKTYPES.LINUX_SLL2:
      if (len < 20) return false;
      ethertype = buf.readUInt16BE(p);
      p += 20;
      break;
    case LINKTYPES.NULL:
    case LINKTYPES.LOOP:
      // A 4-byte address family in the capturing host's byte order (NULL) or network order (LOOP).
      if (len < 4) return false;
      p += 4;
      break;
    case LINKTYPES.NFLOG:
      p = findNflogPayload(buf, p, end);
      if (p < 0) return false;
      return decodeIp(buf, p, nflogEnd, out, 0);
    case LINKTYPES.RAW_12: case LINKTYPES.RAW_14: case LINKTYPES.RAW:
    case LINKTYPES.IPV4: case LINKTYPES.IPV6:
      break;
    default:
      return false;
  }
  if (ethertype !== -1 && ethertype !== 0x0800 && ethertype !== 0x86dd) return false;
  return decodeIp(buf, p, end, out, 0);
}

let nflogEnd = 0;

/** Walks NFLOG TLVs (lengths in host byte order, usually little-endian) to NFULA_PAYLOAD (type 9). */
function findNflogPayload(buf: Buffer, start: number, end: number): number {
  let p = start + 4;
  for (let i = 0; i < MAX_NFLOG_TLVS && end - p >= 4; i++) {
    let tlen = buf.readUInt16LE(p);
    let type = buf.readUInt16LE(p + 2);
    if (tlen < 4 || tlen > end - p) {
      tlen = buf.readUInt16BE(p);
      type = buf.readUInt16BE(p + 2);
      if (tlen < 4 || tlen > end - p) return -1;
    }
    if (type === 9) {
      nflogEnd = p + tlen;
      return p + 4;
    }
    p += (tlen + 3) & ~3;
  }
  return -1;
}

function decodeIp(buf: Buffer, p: number, end: number, out: PacketLayers, depth: number): boolean {
  if (end - p < 1) return false;
  const v = buf[p]! >> 4;
  if (v === 4) return decodeIPv4(buf, p, end, out, depth);
  if (v === 6) return decodeIPv6(buf, p, end, out, depth);
  return false;
}

function decodeIPv4(buf: Buffer, p: number, end: number, out: PacketLayers, depth: number): boolean {
  if (end - p < 20) return false;
  const ihl = (buf[p]! & 15) * 4;
  const total = buf.readUInt16BE(p + 2);
  if (ihl < 20 || end - p < ihl) return false;
  let stop = end;
  // Trim Ethernet padding; a total length over the captured bytes means a snaplen cut.
  if (total >= ihl && p + total < end) stop = p + total;
  else if (total > end - p) out.truncated = true;
  out.ipVersion = 4;
  out.srcOff = p + 12;
  out.dstOff = p + 16;
  const frag = buf.readUInt16BE(p + 6);
  out.proto = buf[p + 9]!;
  if ((frag & 0x1fff) !== 0) {
    out.laterFragment = true;
    return true;
  }
  if (frag & 0x2000) out.truncated = true;
  return decodeTransport(buf, p + ihl, stop, out, depth);
}

function decodeIPv6(buf: Buffer, p: number, end: number, out: PacketLayers, depth: number): boolean {
  if (end - p < 40) return false;
  const plen = buf.readUInt16BE(p + 4);
  let stop = end;
  if (p + 40 + plen < end) stop = p + 40 + plen;
  else if (p + 40 + plen > end) out.truncated = true;
  out.ipVersion = 6;
  out.srcOff = p + 8;
  out.dstOff = p + 24;
  let next = buf[p + 6]!;
  let q = p + 40;
  for (let i = 0; i < MAX_IPV6_EXTENSIONS; i++) {
    if (next === 0 || next === 43 || next === 60) {
      if (stop - q < 8) { out.proto = next; return true; }
      const hlen = (buf[q + 1]! + 1) * 8;
      next = buf[q]!;
      q += hlen;
    } else if (next === 44) {
      if (stop - q < 8) { out.proto = next; return true; }
      const fo = buf.readUInt16BE(q + 2);
      next = buf[q]!;
      q += 8;
      if ((fo & 0xfff8) !== 0) {
        out.proto = next;
        out.laterFragment = true;
        return true;
      }
      if (fo & 1) out.truncated = true;
    } else if (next === 51) {
      if (stop - q < 8) { out.proto = next; return true; }
      const hlen = (buf[q + 1]! + 2) * 4;
      next = buf[q]!;
      q += hlen;
    } else break;
  }
  out.proto = next;
  if (q > stop) { out.proto = 0; return true; }
  return decodeTransport(buf, q, stop, out, depth);
}

function decodeTransport(buf: Buffer, p: number, end: number, out: PacketLayers, depth: number): boolean {
  if (out.proto === 17) {
    if (end - p < 8) { out.proto = 0; return true; }
    out.sport = buf.readUInt16BE(p);
    out.dport = buf.readUInt16BE(p + 2);
    out.payloadOff = p + 8;
    out.payloadLen = end - p - 8;
    // Teredo (RFC 4380): IPv6 in UDP/3544, optionally behind authentication / origin indication headers.
    if ((out.sport === TEREDO_PORT || out.dport === TEREDO_PORT) && depth === 0 && !out.truncated) {
      let q = out.payloadOff;
      if (end - q >= 4 && buf[q] === 0 && buf[q + 1] === 1) q += 13 + buf[q + 2]! + buf[q + 3]!;
      if (end - q >= 8 && buf[q] === 0 && buf[q + 1] === 0) q += 8;
      if (end - q >= 40 && buf[q]! >> 4 === 6) {
        const save = saveLayers(out);
        if (decodeIPv6(buf, q, end, out, depth + 1) && ((out.proto as number) === 6 || (out.proto as number) === 17)) return true;
        restoreLayers(out, save);
      }
    }
    return true;
  }
  if (out.proto === 6) {
    if (end - p < 20) { out.proto = 0; return true; }
    const doff = (buf[p + 12]! >> 4) * 4;
    if (doff < 20 || end - p < doff) { out.proto = 0; return true; }
    out.sport = buf.readUInt16BE(p);
    out.dport = buf.readUInt16BE(p + 2);
    out.tcpSeq = buf.readUInt32BE(p + 4);
    out.tcpFlags = buf[p + 13]!;
    out.payloadOff = p + doff;
    out.payloadLen = end - p - doff;
    return true;
  }
  return true;
}

const saved: number[] = [];
function saveLayers(o: PacketLayers): number[] {
  saved.length = 0;
  saved.push(o.ipVersion, o.srcOff, o.dstOff, o.proto, o.sport, o.dport, o.payloadOff, o.payloadLen, o.truncated ? 1 : 0, o.laterFragment ? 1 : 0);
  return saved;
}
function restoreLayers(o: PacketLayers, s: number[]): void {
  o.ipVersion = s[0] as 4 | 6; o.srcOff = s[1]!; o.dstOff = s[2]!; o.proto = s[3]!; o.sport = s[4]!; o.dport = s[5]!;
  o.payloadOff = s[6]!; o.payloadLen = s[7]!; o.truncated = s[8] === 1; o.laterFragment = s[9] === 1;
}

/** The text form of the address at buf[off] (4 bytes for IPv4, 16 for IPv6; IPv6 in RFC 5952 form). */
export function formatAddress(buf: Buffer, off: number, version: 4 | 6): string {
  if (version === 4) return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(buf.readUInt16BE(off + 2 * i));
  return formatIPv6(g);
}
