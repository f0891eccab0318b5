/**
 * Per-flow protocol decoding: packets in (from the framer), observations out.
 * Holds the flow table: one conn observation per flow, DNS over UDP and TCP,
 * HTTP/1.x request heads (pipelined too) and TLS ClientHello SNI, with capped
 * per-direction buffers.
 */
import { diag, type Diagnostic, type DiagnosticCode } from '../../core/diagnostic.js';
import type { ObservedKind, Observation } from '../../core/model.js';
import { readDnsMessage } from './dns-message.js';
import { authorityOf, findHeadEnd, parseHttpRequestHead, sniffHttpRequest, splitHostPort } from './http-request.js';
import { createPacketLayers, decodeLayers, formatAddress, type PacketLayers } from './packet-layers.js';
import { MAX_CLIENT_HELLO_BYTES, readClientHello, sniffTlsHandshake } from './tls-client-hello.js';

/** Flows tracked at once; the oldest is forgotten beyond this. */
export const MAX_FLOWS = 1_000_000;
/** Bytes buffered for one HTTP request head. */
export const MAX_HTTP_HEAD_BYTES = 8 * 1024;
/** Bytes buffered for DNS over TCP (one message and its length prefix). */
export const MAX_DNS_TCP_BYTES = 2 + 65535;
/** Bytes buffered over all flows; past it, new streams are not followed. */
export const MAX_BUFFERED_BYTES = 256 * 1024 * 1024;
/** Diagnostics per capture from decoding. */
export const MAX_DECODE_DIAGNOSTICS = 200;

const DNS_PORT = 53;
const MDNS_PORT = 5353;
const LLMNR_PORT = 5355;
const TCP_SYN = 0x02;
const TCP_ACK = 0x10;
/** Bytes buffered while telling HTTP from TLS from anything else. */
const SNIFF_CAP = MAX_CLIENT_HELLO_BYTES + 64;

/** UDP ports carrying the DNS wire format: DNS, mDNS, LLMNR. */
function isDnsPort(port: number): boolean {
  return port === DNS_PORT || port === MDNS_PORT || port === LLMNR_PORT;
}

/** Where decoded observations and diagnostics go. */
export interface ObservationSink {
  observe(o: Observation): void;
  diagnostic(d: Diagnostic): void;
}

/** Options of a decoder. */
export interface PacketDecoderOptions {
  maxFlows?: number;
  maxBufferedBytes?: number;
}

/** Counts kept by a decoder. */
export interface DecoderStats {
  /** Non-first IP fragments, skipped. */
  skippedFragments: number;
  /** Packets with no IP in them (ARP, unknown link types, …). */
  nonIp: number;
  flows: number;
  evictedFlows: number;
  diagnostics: number;
}

const enum Mode { Sniff, HttpHead, HttpBody, Tls, Dns, Done }

interface Side {
  mode: Mode;
  buf: Buffer | null;
  used: number;
  /** Next expected TCP sequence number, or -1. */
  next: number;
  /** Body bytes still to skip (HttpBody). */
  skip: number;
}

interface Flow {
  /** The initiator is endpoint a (the lower one). */
  origIsA: boolean;
  orig: string;
  resp: string;
  a: Side | null;
  b: Side | null;
}

/** Decodes packets of one capture, keeping per-flow state. */
export class PacketDecoder {
  readonly stats: DecoderStats = { skippedFragments: 0, nonIp: 0, flows: 0, evictedFlows: 0, diagnostics: 0 };
  private readonly flows = new Map<string, Flow>();
  private readonly l: PacketLayers = createPacketLayers();
  private readonly key = Buffer.alloc(40);
  private readonly maxFlows: number;
  private readonly maxBuffered: number;
  private buffered = 0;
  private memoryWarned = false;
  private number = 0;
  private ts: number | null = null;
  private srcText: string | null = null;
  private dstText: string | null = null;

  constructor(private readonly path: string, private readonly sink: ObservationSink, opts: PacketDecoderOptions = {}) {
    this.maxFlows = opts.maxFlows ?? MAX_FLOWS;
    this.maxBuffered = opts.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  }

  /** Decodes one packet: buf[off, off+len) of link type `linktype`. */
  decode(number: number, ts: number | null, linktype: number, buf: Buffer, off: number, len: number): void {
    const l = this.l;
    if (!decodeLayers(linktype, buf, off, len, l)) { this.stats.nonIp++; return; }
    if (l.laterFragment) { this.stats.skippedFragments++; return; }
    this.number = number;
    this.ts = ts;
    this.srcText = null;
    this.dstText = null;
    const aIsSrc = this.buildKey(l);
    const keyLen = l.ipVersion === 4 ? 14 : 38;
    const key = this.key.toString('latin1', 0, keyLen);
    let flow = this.flows.get(key);
    if (flow === undefined) flow = this.newFlow(key, l, aIsSrc);
    if (l.proto === 17) {
      if (isDnsPort(l.sport) || isDnsPort(l.dport)) {
        this.decodeDns(buf, l.payloadOff, l.payloadLen, l.truncated);
      }
    } else if (l.proto === 6) {
      this.decodeTcp(flow, aIsSrc, buf);
    }
  }

  /** Writes the direction-free flow key into this.key; true when the packet's source is endpoint a. */
  private buildKey(l: PacketLayers): boolean {
    const n = l.ipVersion === 4 ? 4 : 16;
    const b = l.buf;
    let cmp = 0;
    for (let i = 0; i < n && cmp === 0; i++) cmp = b[l.srcOff + i]! - b[l.dstOff + i]!;
    if (cmp === 0) cmp = l.sport - l.dport;
    const aIsSrc = cmp <= 0;
    const k = this.key;
    k[0] = l.proto;
    k[1] = l.ipVersion;
    const [aOff, bOff, aPort, bPort] = aIsSrc ? [l.srcOff, l.dstOff, l.sport, l.dport] : [l.dstOff, l.srcOff, l.dport, l.sport];
    b.copy(k, 2, aOff, aOff + n);
    k.writeUInt16BE(aPort, 2 + n);
    b.copy(k, 4 + n, bOff, bOff + n);
    k.writeUInt16BE(bPort, 4 + 2 * n);
    return aIsSrc;
  }

  private src(): string {
    return (this.srcText ??= formatAddress(this.l.buf, this.l.srcOff, this.l.ipVersion as 4 | 6));
  }

  private dst(): string {
    return (this.dstText ??= formatAddress(this.l.buf, this.l.dstOff, this.l.ipVersion as 4 | 6));
  }

  private newFlow(key: string, l: PacketLayers, aIsSrc: boolean): Flow {
    // The initiator: the SYN sender for TCP (so a SYN-ACK seen first names its destination), else the first sender.
    const srcIsOrig = !(l.proto === 6 && (l.tcpFlags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK));
    const flow: Flow = {
      origIsA: srcIsOrig === aIsSrc,
      orig: srcIsOrig ? this.src() : this.dst(),
      resp: srcIsOrig ? this.dst() : this.src(),
      a: null, b: null,
    };
    if (this.flows.size >= this.maxFlows) {
      const oldest = this.flows.keys().next().value as string;
      const gone = this.flows.get(oldest);
      if (gone) { this.release(gone.a); this.release(gone.b); }
      this.flows.delete(oldest);
      this.stats.evictedFlows++;
    }
    this.flows.set(key, flow);
    this.stats.flows++;
    this.emit('conn.orig_h', 'ip', flow.orig, flow.orig, flow.resp);
    this.emit('conn.resp_h', 'ip', flow.resp, flow.orig, flow.resp);
    return flow;
  }

  private emit(field: string, kind: ObservedKind, value: string, src: string | null, dst: string | null): void {
    this.sink.observe({ field, kind, value, ts: this.ts, src, dst, packet: this.number });
  }

  private report(code: DiagnosticCode, reason: string): void {
    this.stats.diagnostics++;
    if (this.stats.diagnostics <= MAX_DECODE_DIAGNOSTICS) this.sink.diagnostic(diag(code, this.path, reason, { packet: this.number }));
    else if (this.stats.diagnostics === MAX_DECODE_DIAGNOSTICS + 1) {
      this.sink.diagnostic(diag('skipped', this.path, `more than ${MAX_DECODE_DIAGNOSTICS} decoding problems: further ones are not reported`, { packet: this.number }));
    }
  }

  private decodeDns(buf: Buffer, off: number, len: number, truncated: boolean): void {
    const m = readDnsMessage(buf, off, len);
    // The asker is the query's sender, and a response's receiver.
    const asker = m.isResponse ? this.dst() : this.src();
    const other = m.isResponse ? this.src() : this.dst();
    for (const q of m.questions) this.emit('dns.query', 'domain', q, asker, other);
    for (const a of m.addresses) this.emit('dns.answer', 'ip', a, asker, other);
    for (const c of m.cnames) this.emit('dns.answer', 'domain', c, asker, other);
    if (m.error !== null && !truncated) this.report('bad-record', `DNS message: ${m.error}`);
  }

  private decodeTcp(flow: Flow, aIsSrc: boolean, buf: Buffer): void {
    const l = this.l;
    let side = aIsSrc ? flow.a : flow.b;
    if (side === null) {
      const dns = l.sport === DNS_PORT || l.dport === DNS_PORT;
      side = { mode: dns ? Mode.Dns : Mode.Sniff, buf: null, used: 0, next: -1, skip: 0 };
      if (aIsSrc) flow.a = side; else flow.b = side;
    }
    if (side.mode === Mode.Done) return;
    let off = l.payloadOff;
    let len = l.payloadLen;
    const seq = l.tcpSeq;
    if (l.tcpFlags & TCP_SYN) side.next = (seq + 1) >>> 0;
    if (len === 0) return;
    if (side.next >= 0 && (l.tcpFlags & TCP_SYN) === 0) {
      const delta = (seq - side.next) | 0;
      if (delta < 0) {
        if (-delta >= len) return; // a retransmission of bytes already seen
        off -= delta;
        len += delta;
      }
    }
    side.next = (seq + (l.tcpFlags & TCP_SYN ? 1 : 0) + l.payloadLen) >>> 0;
    this.feed(side, buf, off, len);
  }

  /** Feeds in-order stream bytes to one direction's state machine. */
  private feed(side: Side, buf: Buffer, off: number, len: number): void {
    while (len > 0 && side.mode !== Mode.Done) {
      switch (side.mode) {
        case Mode.HttpBody: {
          const n = Math.min(side.skip, len);
          side.skip -= n;
          off += n;
          len -= n;
          if (side.skip === 0) side.mode = Mode.Sniff;
          break;
        }
        case Mode.Sniff: {
          // Judge from the first bytes: this segment alone, or what was buffered plus it.
          let data = buf, at = off, n = len;
          if (side.used > 0) {
            if (!this.append(side, buf, off, len, SNIFF_CAP)) return;
            data = side.buf!; at = 0; n = side.used; len = 0;
          }
          const http = sniffHttpRequest(data, at, n);
          const tls = http === false ? sniffTlsHandshake(data, at, n) : false;
          if (http === true) side.mode = Mode.HttpHead;
          else if (tls === true) side.mode = Mode.Tls;
          else if (http === false && tls === false) { this.finish(side); return; }
          else { // too few bytes to tell
            if (len > 0) this.append(side, buf, off, len, SNIFF_CAP);
            return;
          }
          if (len === 0) this.drain(side);
          break;
        }
        case Mode.HttpHead: {
          if (!this.append(side, buf, off, len, MAX_HTTP_HEAD_BYTES)) return;
          len = 0;
          this.drain(side);
          break;
        }
        case Mode.Tls: {
          if (!this.append(side, buf, off, len, MAX_CLIENT_HELLO_BYTES + 64)) return;
          len = 0;
          this.drain(side);
          break;
        }
        case Mode.Dns: {
          if (!this.append(side, buf, off, len, MAX_DNS_TCP_BYTES)) return;
          len = 0;
          this.drain(side);
          break;
        }
        default: return;
      }
    }
  }

  /** Processes what the side has buffered. */
  private drain(side: Side): void {
    for (;;) {
      const b = side.buf;
      if (b === null || side.used === 0) return;
      if (side.mode === Mode.HttpHead) {
        const end = findHeadEnd(b, 0, side.used);
        if (end < 0) {
          if (side.used >= MAX_HTTP_HEAD_BYTES) {
            this.report('too-large', `HTTP request head over ${MAX_HTTP_HEAD_BYTES} bytes: rest of the stream not read`);
            this.finish(side);
          }
          return;
        }
        const head = parseHttpRequestHead(b, 0, end);
        if (head === null) { this.finish(side); return; }
        this.emitHttp(head.target, head.host);
        this.consume(side, end);
        if (head.unfollowable) { this.finish(side); return; }
        side.skip = head.contentLength;
        side.mode = Mode.HttpBody;
        if (side.skip > 0) {
          const n = Math.min(side.skip, side.used);
          side.skip -= n;
          this.consume(side, n);
          if (side.skip > 0) return;
        }
        side.mode = Mode.Sniff;
        if (side.used === 0) return;
        const more = sniffHttpRequest(b, 0, side.used);
        if (more === false) { this.finish(side); return; }
        if (more === null) return;
        side.mode = Mode.HttpHead;
      } else if (side.mode === Mode.Tls) {
        const r = readClientHello(b, 0, side.used);
        if (r === 'more') return;
        if (r.sni !== null && r.sni !== '') this.emit('tls.sni', 'domain', r.sni, this.src(), this.dst());
        if (r.error !== null) this.report('bad-record', `TLS ClientHello: ${r.error}`);
        this.finish(side);
        return;
      } else if (side.mode === Mode.Dns) {
        if (side.used < 2) return;
        const mlen = b.readUInt16BE(0);
        if (side.used < 2 + mlen) return;
        this.decodeDns(b, 2, mlen, false);
        this.consume(side, 2 + mlen);
      } else return;
    }
  }

  private emitHttp(target: string, hostHeader: string | null): void {
    const authority = authorityOf(target);
    const hostText = hostHeader !== null && hostHeader !== '' ? hostHeader : authority;
    if (hostText !== null && hostText !== '') {
      const h = splitHostPort(hostText);
      if (h.host !== '') this.emit('http.host', h.isIp ? 'ip' : 'domain', h.host, this.src(), this.dst());
    }
    let url: string;
    if (authority !== null) url = target;
    else if (target.startsWith('/') || target === '*') {
      let host = hostText;
      if (host === null || host === '') {
        const d = this.dst();
        host = d.includes(':') ? `[${d}]` : d;
        if (this.l.dport !== 80) host += `:${this.l.dport}`;
      }
      url = `http://${host}${target === '*' ? '' : target}`;
    } else return; // authority-form (CONNECT host:port) or junk: no URL
    this.emit('http.url', 'url', url, this.src(), this.dst());
  }

  /** Appends bytes to the side's buffer (growing it up to cap); false when the side had to stop. */
  private append(side: Side, buf: Buffer, off: number, len: number, cap: number): boolean {
    const want = side.used + len;
    if (want > cap) {
      const fit = cap - side.used;
      if (fit <= 0) {
        if (side.mode === Mode.Dns) this.report('too-large', `DNS over TCP: more than ${cap} bytes buffered: rest of the stream not read`);
        this.finish(side);
        return false;
      }
      len = fit;
    }
    let b = side.buf;
    if (b === null || b.length < side.used + len) {
      const size = Math.min(cap, Math.max(side.used + len, b === null ? 1024 : b.length * 2));
      if (this.buffered + size - (b?.length ?? 0) > this.maxBuffered) {
        if (!this.memoryWarned) {
          this.memoryWarned = true;
          this.report('too-large', `over ${this.maxBuffered} bytes buffered over all flows: new stream data is not read`);
        }
        this.finish(side);
        return false;
      }
      const nb = Buffer.allocUnsafe(size);
      if (b !== null) b.copy(nb, 0, 0, side.used);
      this.buffered += size - (b?.length ?? 0);
      side.buf = b = nb;
    }
    buf.copy(b, side.used, off, off + len);
    side.used += len;
    return true;
  }

  private consume(side: Side, n: number): void {
    if (side.buf === null) return;
    side.buf.copyWithin(0, n, side.used);
    side.used -= n;
  }

  private finish(side: Side): void {
    side.mode = Mode.Done;
    this.release(side);
  }

  private release(side: Side | null): void {
    if (side === null || side.buf === null) return;
    this.buffered -= side.buf.length;
    side.buf = null;
    side.used = 0;
  }
}
