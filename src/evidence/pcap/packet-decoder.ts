/**
 * Per-flow protocol decoding: packets in (from the framer), observations out.
 * Holds the flow table: one conn observation per flow, DNS over UDP and TCP,
 * HTTP/1.x request heads (pipelined too) and TLS ClientHello SNI, with capped
 * per-direction buffers.
 *
 * Protocols are told by content on any port, as Zeek's dynamic protocol
 * detection does: well-known DNS ports are a fast path, any other UDP datagram
 * is DNS when it parses strictly as DNS, and the first bytes of each TCP
 * direction say HTTP request, TLS handshake or DNS over TCP. A flow keeps what
 * it was found to carry. Through an HTTP CONNECT tunnel (RFC 9110 §9.3.6) the
 * client's bytes after the proxy's 2xx reply are told by content again.
 */
import { diag, type Diagnostic, type DiagnosticCode } from '../../core/diagnostic.js';
import type { ObservedKind, Observation } from '../../core/model.js';
import { MIN_SNIFF_DNS_BYTES, readDnsMessage, sniffDnsMessage } from './dns-message.js';
import {
  authorityOf, connectHostOf, findHeadEnd, parseHttpRequestHead, parseHttpResponseHead, sniffHttpRequest, splitHostPort,
  type HttpRequestHead,
} from './http-request.js';
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
/**
 * Slots of the flow cache (a power of two): the flows of recent packets by their key's bytes, so that
 * most packets find their flow without making the key's string and looking it up in the flow table.
 */
const FLOW_CACHE_SLOTS = 4096;
/** Bytes of the longest flow key (IPv6). */
const MAX_KEY_BYTES = 38;

const DNS_PORT = 53;
const MDNS_PORT = 5353;
const LLMNR_PORT = 5355;
/** NetBIOS name service (RFC 1002 §4.2): DNS-shaped, but its names are NetBIOS-encoded, not DNS names. */
const NBNS_PORT = 137;
const TCP_SYN = 0x02;
const TCP_ACK = 0x10;
/** Bytes buffered while telling HTTP from TLS from anything else. */
const SNIFF_CAP = MAX_CLIENT_HELLO_BYTES + 64;

/** UDP ports carrying the DNS wire format: DNS, mDNS, LLMNR. */
function isDnsPort(port: number): boolean {
  return port === DNS_PORT || port === MDNS_PORT || port === LLMNR_PORT;
}

/** UDP ports never taken for DNS by content: they carry DNS-shaped messages that are not DNS. */
function isDnsLookalikePort(port: number): boolean {
  return port === NBNS_PORT;
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

/** What a side's bytes are being read as. */
const enum Mode {
  /** Not known yet: the first bytes will tell (HTTP request, TLS handshake, DNS over TCP). */
  Sniff,
  HttpHead,
  HttpBody,
  Tls,
  Dns,
  /** The client after a CONNECT: its bytes are held until the proxy's reply says whether a tunnel opened. */
  ConnectWait,
  /** The proxy after a CONNECT: reading its reply head(s). */
  HttpReply,
  Done,
}

/** What a flow was found to carry, kept for its later packets and its other direction. */
const enum App { Unknown, Dns }

interface Side {
  mode: Mode;
  buf: Buffer | null;
  used: number;
  /** Next expected TCP sequence number, or -1. */
  next: number;
  /** Body bytes still to skip (HttpBody). */
  skip: number;
  /** Sender and receiver of this direction, and the receiver's port. */
  src: string;
  dst: string;
  dport: number;
  /** Only HTTP requests may follow: the side has carried HTTP (or is a proxy's reply side); nothing else is told by content. */
  httpOnly: boolean;
  /** The CONNECT target this direction tunnels to (`host:port`), or null. */
  tunnel: string | null;
  /** Packet number and timestamp at which the bytes held after a CONNECT began (ConnectWait). */
  heldPacket: number;
  heldTs: number | null;
}

interface Flow {
  /** The initiator is endpoint a (the lower one). */
  origIsA: boolean;
  orig: string;
  resp: string;
  app: App;
  a: Side | null;
  b: Side | null;
}

/** Decodes packets of one capture, keeping per-flow state. */
export class PacketDecoder {
  readonly stats: DecoderStats = { skippedFragments: 0, nonIp: 0, flows: 0, evictedFlows: 0, diagnostics: 0 };
  private readonly flows = new Map<string, Flow>();
  private readonly l: PacketLayers = createPacketLayers();
  private readonly key = Buffer.alloc(40);
  /** The flow cache: each slot's key bytes, key length (0: empty) and flow. */
  private readonly cacheKeys = new Uint8Array(FLOW_CACHE_SLOTS * MAX_KEY_BYTES);
  private readonly cacheLens = new Uint8Array(FLOW_CACHE_SLOTS);
  private readonly cacheFlows: (Flow | null)[] = new Array<Flow | null>(FLOW_CACHE_SLOTS).fill(null);
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
    const flow = this.flowOf(l, aIsSrc);
    if (l.proto === 17) this.decodeUdp(flow, buf);
    else if (l.proto === 6) this.decodeTcp(flow, aIsSrc, buf);
  }

  /**
   * End of the capture. A CONNECT whose proxy reply was never seen (a one-direction capture, a
   * SPAN port, a capture cut short) still holds the client's bytes: they are told by content
   * (TLS ClientHello, HTTP, DNS) and reported at the packet where they began, in packet order.
   */
  endCapture(): void {
    const held: Array<{ flow: Flow; side: Side }> = [];
    for (const flow of this.flows.values()) {
      for (const side of [flow.a, flow.b]) if (side !== null && side.mode === Mode.ConnectWait && side.used > 0) held.push({ flow, side });
    }
    held.sort((x, y) => x.side.heldPacket - y.side.heldPacket);
    for (const { flow, side } of held) {
      this.number = side.heldPacket;
      this.ts = side.heldTs;
      side.mode = Mode.Sniff;
      side.httpOnly = false;
      this.refeed(flow, side);
    }
  }

  /** The flow of the key in this.key: from the flow cache, the flow table, or new. */
  private flowOf(l: PacketLayers, aIsSrc: boolean): Flow {
    const k = this.key;
    const keyLen = l.ipVersion === 4 ? 14 : MAX_KEY_BYTES;
    const slot = slotOf(k, keyLen);
    const keys = this.cacheKeys;
    const base = slot * MAX_KEY_BYTES;
    if (this.cacheLens[slot] === keyLen) {
      let i = 0;
      while (i < keyLen && keys[base + i] === k[i]) i++;
      if (i === keyLen) return this.cacheFlows[slot]!;
    }
    const key = k.toString('latin1', 0, keyLen);
    const flow = this.flows.get(key) ?? this.newFlow(key, l, aIsSrc);
    for (let i = 0; i < keyLen; i++) keys[base + i] = k[i]!;
    this.cacheLens[slot] = keyLen;
    this.cacheFlows[slot] = flow;
    return flow;
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
    // Byte loops and plain locals: Buffer.copy and a destructured array cost more than the bytes, per packet.
    const aOff = aIsSrc ? l.srcOff : l.dstOff, bOff = aIsSrc ? l.dstOff : l.srcOff;
    const aPort = aIsSrc ? l.sport : l.dport, bPort = aIsSrc ? l.dport : l.sport;
    for (let i = 0; i < n; i++) { k[2 + i] = b[aOff + i]!; k[4 + n + i] = b[bOff + i]!; }
    k[2 + n] = aPort >>> 8; k[3 + n] = aPort & 255;
    k[4 + 2 * n] = bPort >>> 8; k[5 + 2 * n] = bPort & 255;
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
      app: App.Unknown,
      a: null, b: null,
    };
    if (this.flows.size >= this.maxFlows) {
      const oldest = this.flows.keys().next().value as string;
      const gone = this.flows.get(oldest);
      if (gone) { this.release(gone.a); this.release(gone.b); }
      // A forgotten flow leaves the cache too: a later packet of it starts a new one, as without the cache.
      const slot = slotOfString(oldest);
      if (this.cacheFlows[slot] === gone) { this.cacheLens[slot] = 0; this.cacheFlows[slot] = null; }
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

  /** DNS on its own ports; on any other port, a flow whose datagram parses strictly as DNS is DNS from then on. */
  private decodeUdp(flow: Flow, buf: Buffer): void {
    const l = this.l;
    if (isDnsPort(l.sport) || isDnsPort(l.dport)) {
      this.decodeDns(buf, l.payloadOff, l.payloadLen, l.truncated, this.src(), this.dst());
      return;
    }
    if (flow.app !== App.Dns) {
      if (isDnsLookalikePort(l.sport) || isDnsLookalikePort(l.dport)) return;
      if (sniffDnsMessage(buf, l.payloadOff, l.payloadLen, !l.truncated) !== true) return;
      flow.app = App.Dns;
    }
    this.decodeDns(buf, l.payloadOff, l.payloadLen, l.truncated, this.src(), this.dst());
  }

  /** One DNS message; src and dst are its sender and receiver. */
  private decodeDns(buf: Buffer, off: number, len: number, truncated: boolean, src: string, dst: string): void {
    const m = readDnsMessage(buf, off, len);
    // The asker is the query's sender, and a response's receiver.
    const asker = m.isResponse ? dst : src;
    const other = m.isResponse ? src : dst;
    for (const q of m.questions) this.emit('dns.query', 'domain', q, asker, other);
    for (const a of m.addresses) this.emit('dns.answer', 'ip', a, asker, other);
    for (const c of m.cnames) this.emit('dns.answer', 'domain', c, asker, other);
    if (m.error !== null && !truncated) this.report('bad-record', `DNS message: ${m.error}`);
  }

  private decodeTcp(flow: Flow, aIsSrc: boolean, buf: Buffer): void {
    const l = this.l;
    let side = aIsSrc ? flow.a : flow.b;
    if (side === null) {
      const dns = l.sport === DNS_PORT || l.dport === DNS_PORT || flow.app === App.Dns;
      side = this.newSide(dns ? Mode.Dns : Mode.Sniff, this.src(), this.dst(), l.dport);
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
    this.feed(flow, side, buf, off, len);
  }

  private newSide(mode: Mode, src: string, dst: string, dport: number): Side {
    return { mode, buf: null, used: 0, next: -1, skip: 0, src, dst, dport, httpOnly: false, tunnel: null, heldPacket: 0, heldTs: null };
  }

  /** The other direction of the flow than `side`, or null when it has not been seen. */
  private otherSide(flow: Flow, side: Side): Side | null {
    return flow.a === side ? flow.b : flow.a;
  }

  /** Feeds in-order stream bytes to one direction's state machine. */
  private feed(flow: Flow, side: Side, buf: Buffer, off: number, len: number): void {
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
          const mode = this.sniff(side, data, at, n);
          if (mode === Mode.Done) { this.finish(side); return; }
          if (mode === Mode.Sniff) { // too few bytes to tell
            if (len > 0) this.append(side, buf, off, len, SNIFF_CAP);
            return;
          }
          side.mode = mode;
          if (mode === Mode.Dns) flow.app = App.Dns;
          if (len === 0) this.drain(flow, side);
          break;
        }
        case Mode.HttpHead:
        case Mode.HttpReply: {
          if (!this.append(side, buf, off, len, MAX_HTTP_HEAD_BYTES)) return;
          len = 0;
          this.drain(flow, side);
          break;
        }
        case Mode.ConnectWait: {
          // Held until the proxy answers; a client that says this much before any answer has no tunnel worth waiting for.
          if (side.used === 0) { side.heldPacket = this.number; side.heldTs = this.ts; }
          if (!this.append(side, buf, off, len, SNIFF_CAP)) return;
          return;
        }
        case Mode.Tls: {
          if (!this.append(side, buf, off, len, MAX_CLIENT_HELLO_BYTES + 64)) return;
          len = 0;
          this.drain(flow, side);
          break;
        }
        case Mode.Dns: {
          if (!this.append(side, buf, off, len, MAX_DNS_TCP_BYTES)) return;
          len = 0;
          this.drain(flow, side);
          break;
        }
        default: return;
      }
    }
  }

  /**
   * What the first bytes of a direction are: an HTTP request line (RFC 9112 §3), a TLS
   * handshake record (RFC 8446 §5.1), or a DNS message behind its two-byte length
   * (RFC 1035 §4.2.2, RFC 7766). Mode.Sniff: too few bytes to tell; Mode.Done: none of them.
   */
  private sniff(side: Side, data: Buffer, at: number, n: number): Mode {
    const http = sniffHttpRequest(data, at, n);
    if (http === true) {
      side.httpOnly = true; // what follows a request on this side is another request (RFC 9112 §9.3)
      return Mode.HttpHead;
    }
    if (side.httpOnly) return http === null ? Mode.Sniff : Mode.Done;
    const tls = sniffTlsHandshake(data, at, n);
    if (tls === true) return Mode.Tls;
    const dns = sniffDnsOverTcp(data, at, n);
    if (dns === true) return Mode.Dns;
    return http === false && tls === false && dns === false ? Mode.Done : Mode.Sniff;
  }

  /** Processes what the side has buffered. */
  private drain(flow: Flow, side: Side): void {
    for (;;) {
      const b = side.buf;
      if (b === null || side.used === 0) return;
      if (side.mode === Mode.HttpHead) {
        const end = findHeadEnd(b, 0, side.used);
        if (end < 0) { this.checkHeadSize(flow, side); return; }
        const head = parseHttpRequestHead(b, 0, end);
        if (head === null) { this.finish(side); return; }
        if (head.method === 'CONNECT') {
          this.emitConnect(side, head);
          this.consume(side, end);
          this.awaitTunnel(flow, side, head.target);
          return;
        }
        this.emitHttp(side, head.target, head.host);
        this.consume(side, end);
        if (head.unfollowable) { this.finish(side); return; }
        if (!this.skipBody(side, head.contentLength)) return;
      } else if (side.mode === Mode.HttpReply) {
        const end = findHeadEnd(b, 0, side.used);
        if (end < 0) { this.checkHeadSize(flow, side); return; }
        this.readConnectReply(flow, side, end);
        return;
      } else if (side.mode === Mode.Tls) {
        const r = readClientHello(b, 0, side.used);
        if (r === 'more') return;
        if (r.sni !== null && r.sni !== '') this.emit('tls.sni', 'domain', r.sni, side.src, side.dst);
        if (r.error !== null) this.report('bad-record', `TLS ClientHello: ${r.error}`);
        this.finish(side);
        return;
      } else if (side.mode === Mode.Dns) {
        if (side.used < 2) return;
        const mlen = b.readUInt16BE(0);
        if (side.used < 2 + mlen) return;
        this.decodeDns(b, 2, mlen, false, side.src, side.dst);
        this.consume(side, 2 + mlen);
      } else if (side.mode === Mode.Sniff) {
        // What follows a message head or body: told again from its first bytes.
        const mode = this.sniff(side, b, 0, side.used);
        if (mode === Mode.Done) { this.finish(side); return; }
        if (mode === Mode.Sniff) return;
        side.mode = mode;
        if (mode === Mode.Dns) flow.app = App.Dns;
      } else return;
    }
  }

  /** After a head: skips `length` body bytes (those buffered now, the rest as they come); false when more are to come. */
  private skipBody(side: Side, length: number): boolean {
    side.skip = length;
    side.mode = Mode.HttpBody;
    if (side.skip > 0) {
      const n = Math.min(side.skip, side.used);
      side.skip -= n;
      this.consume(side, n);
      if (side.skip > 0) return false;
    }
    side.mode = Mode.Sniff;
    return true;
  }

  /** A head that fills its buffer without ending is given up, and the stream with it. */
  private checkHeadSize(flow: Flow, side: Side): void {
    if (side.used < MAX_HTTP_HEAD_BYTES) return;
    const what = side.mode === Mode.HttpReply ? 'HTTP reply head' : 'HTTP request head';
    this.report('too-large', `${what} over ${MAX_HTTP_HEAD_BYTES} bytes: rest of the stream not read`);
    if (side.mode === Mode.HttpReply) this.refuseTunnel(flow, side);
    this.finish(side);
  }

  /**
   * A CONNECT was sent on this side: hold what follows until the proxy answers, and
   * read the other direction as the proxy's reply from here on (RFC 9110 §9.3.6).
   */
  private awaitTunnel(flow: Flow, side: Side, target: string): void {
    side.mode = Mode.ConnectWait;
    side.tunnel = target;
    // Bytes already buffered behind the CONNECT head are held from this packet.
    side.heldPacket = this.number;
    side.heldTs = this.ts;
    let other = this.otherSide(flow, side);
    if (other === null) {
      other = this.newSide(Mode.HttpReply, side.dst, side.src, 0);
      if (flow.a === side) flow.b = other; else flow.a = other;
    } else {
      this.release(other);
      other.mode = Mode.HttpReply;
      other.skip = 0;
    }
    other.httpOnly = true;
  }

  /** Reads the proxy's reply head at the start of `side`'s buffer (it ends at `end`). */
  private readConnectReply(flow: Flow, side: Side, end: number): void {
    const reply = parseHttpResponseHead(side.buf!, 0, end);
    const client = this.otherSide(flow, side);
    if (reply === null || reply.status < 100) { // not an HTTP proxy's reply: no tunnel can be told
      this.refuseTunnel(flow, side);
      this.finish(side);
      return;
    }
    this.consume(side, end);
    if (reply.status < 200) { // interim (1xx): the final reply is still to come
      this.drain(flow, side);
      return;
    }
    if (reply.status < 300 && client !== null && client.mode === Mode.ConnectWait) {
      // Any 2xx opens the tunnel (RFC 9110 §9.3.6): from here both directions carry the tunnelled protocol.
      side.mode = Mode.Sniff;
      side.httpOnly = false;
      client.mode = Mode.Sniff;
      client.httpOnly = false;
      this.refeed(flow, client);
      this.refeed(flow, side);
      return;
    }
    this.refuseTunnel(flow, side);
    if (reply.unfollowable) { this.finish(side); return; }
    side.httpOnly = true;
    if (this.skipBody(side, reply.contentLength)) this.drain(flow, side);
  }

  /** The proxy did not open the tunnel: the client's held bytes are read as further HTTP requests only. */
  private refuseTunnel(flow: Flow, proxySide: Side): void {
    const client = this.otherSide(flow, proxySide);
    if (client === null || client.mode !== Mode.ConnectWait) return;
    client.mode = Mode.Sniff;
    client.httpOnly = true;
    client.tunnel = null;
    this.refeed(flow, client);
  }

  /** Runs a side's buffered bytes through its (new) state machine from the start. */
  private refeed(flow: Flow, side: Side): void {
    if (side.buf === null || side.used === 0) return;
    const held = Buffer.from(side.buf.subarray(0, side.used));
    this.release(side);
    this.feed(flow, side, held, 0, held.length);
  }

  /**
   * CONNECT names the host it tunnels to in its target (authority-form, RFC 9112 §3.2.3):
   * reported as http.host, the field our Zeek http.log, squid and web access log readers
   * report a CONNECT's host in (Zeek has no separate one); a Host header naming another
   * host is reported too.
   */
  private emitConnect(side: Side, head: HttpRequestHead): void {
    const target = connectHostOf(head.target);
    this.emitHosts(side, target, head.host);
  }

  /** http.host for the target's host and, when it names another host, the Host header's (each once). */
  private emitHosts(side: Side, targetHost: string | null, hostHeader: string | null): void {
    let first: string | null = null;
    for (const text of [targetHost, hostHeader]) {
      if (text === null || text === '') continue;
      const h = splitHostPort(text);
      if (h.host === '' || (first !== null && h.host.toLowerCase() === first)) continue;
      first ??= h.host.toLowerCase();
      this.emit('http.host', h.isIp ? 'ip' : 'domain', h.host, side.src, side.dst);
    }
  }

  /**
   * http.host and http.url of a request. An absolute-form target names the host the
   * request is for, whatever the Host header says (RFC 9112 §3.2.2): both are reported,
   * and the URL is the target's.
   */
  private emitHttp(side: Side, target: string, hostHeader: string | null): void {
    const authority = authorityOf(target);
    this.emitHosts(side, authority, hostHeader);
    let url: string;
    if (authority !== null) url = target;
    else if (target.startsWith('/') || target === '*') {
      let host = hostHeader !== null && hostHeader !== '' ? hostHeader : side.tunnel;
      if (host === null || host === '') {
        host = side.dst.includes(':') ? `[${side.dst}]` : side.dst;
        if (side.dport !== 80) host += `:${side.dport}`;
      }
      url = `http://${host}${target === '*' ? '' : target}`;
    } else return; // authority-form (CONNECT host:port) or junk: no URL
    this.emit('http.url', 'url', url, side.src, side.dst);
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

/** The flow cache slot of the key bytes k[0, len) (FNV-1a). */
function slotOf(k: Uint8Array, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ k[i]!, 16777619);
  return (h ^ (h >>> 15)) & (FLOW_CACHE_SLOTS - 1);
}

/** slotOf for a key held as a latin1 string (one character per byte). */
function slotOfString(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h ^ (h >>> 15)) & (FLOW_CACHE_SLOTS - 1);
}

/** Whether stream bytes data[at, at+n) start with a DNS message behind its length (RFC 1035 §4.2.2); null: too few to tell. */
function sniffDnsOverTcp(data: Buffer, at: number, n: number): boolean | null {
  if (n < 2) return null;
  const mlen = data.readUInt16BE(at);
  if (mlen < MIN_SNIFF_DNS_BYTES) return false;
  const have = Math.min(n - 2, mlen);
  return sniffDnsMessage(data, at + 2, have, have === mlen);
}
