/**
 * dnsmasq 2.90 query logs (`log-queries`, `log-queries=extra`), as syslog
 * writes them and as `log-facility=FILE` does (the same syslog prefix):
 *   `Dec  1 03:23:32 [host ]dnsmasq[1234]: query[A] example.net from 10.0.0.5`
 *   `… dnsmasq[1234]: 6 10.0.0.5/44906 query[A] example.net from 10.0.0.5`   (extra: serial, client/port)
 * Lines read:
 *   `query[TYPE] NAME from ADDR`  → `dns.query` NAME, src ADDR; and `conn.orig_h` ADDR
 *   `forwarded NAME to SERVER[#port]` → `conn.resp_h` SERVER (the upstream that query went to)
 *   `SOURCE NAME is ANSWER` (SOURCE reply, cached, cached-stale, config, auth, DHCP or a
 *   hosts-file path) → `dns.answer`: an address as `ip`; in a CNAME chain
 *   (`reply a is <CNAME>`, `reply b is <CNAME>`, `reply c is 1.2.3.4`) each later
 *   NAME is a target, as `domain`; a PTR answer (`config 10.0.0.7 is host.example`) as `domain`.
 *   NXDOMAIN, NODATA…, `<MX>`, TXT text and other answers give nothing.
 * Answers are attributed to the client that asked (src) and, when it was
 * forwarded, the upstream (dst): by the `extra` serial when present, else by
 * the most recent query for that name (a bounded map) or the CNAME chain in
 * progress; without `extra`, interleaved lookups can be misattributed.
 * dnsmasq does not log its own address, so queries have no dst.
 *
 * Stamps: BSD syslog (`Dec  1 03:23:32`) has no year: it comes from the
 * constructor (default: the current UTC year; a pure reader cannot see the
 * file's mtime) and the host's local time is taken as UTC; RFC 3339 syslog
 * stamps (`2026-12-01T03:23:32.877+00:00`) are read as written. A stamp not
 * understood leaves the record without time and is reported once per file.
 * Other dnsmasq lines (start-up, DHCP, DNSSEC validation) and other programs'
 * syslog lines are skipped silently; a line with no syslog prefix is a bad record.
 */
import { quoteForDiagnostic } from '../../core/diagnostic.js';
import {
  BaseLineReader, canonicalAddr, emitDnsAnswer, hasControlBytes, looksLikeIp, makeObservation,
  parseIsoMs, parseSyslogTime, syslogClock, type LineReaderOptions, type ObservationSink,
} from '../line-reader.js';

/** Most queries remembered to tie answers to their client (oldest forgotten first). */
export const MAX_PENDING_QUERIES = 4096;
/** Longest name taken from a record (a DNS name is at most 253 characters; escapes lengthen it). */
const MAX_NAME_CHARS = 1024;

/** `stamp [host ]program[pid]: message`, stamp BSD or RFC 3339. */
const SYSLOG_RE = /^([A-Za-z]{3} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?|\d{4}-\d{2}-\d{2}T\S+) (?:\S+ )?([\w./-]{1,64})\[\d{1,10}\]: (.*)$/;
/** A syslog line without a pid (`Dec  1 03:23:32 host kernel: …`): another program's. */
const OTHER_SYSLOG_RE = /^(?:[A-Za-z]{3} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}T\S+) \S+ \S+: /;
/** The `log-queries=extra` prefix: serial, then client address/port. */
const EXTRA_RE = /^(\d{1,10}) ([0-9a-fA-F.:]+)\/\d{1,5} (.*)$/;
const QUERY_RE = /^query\[[A-Za-z0-9]{1,16}\] (\S+) from (\S+)$/;
const FORWARDED_RE = /^forwarded (\S+) to (\S+)$/;
const ANSWER_RE = /^(reply|cached|cached-stale|config|auth|DHCP|\/\S*) (\S+) is (.+)$/;

/** A query whose answers are still to come. */
interface PendingQuery {
  /** The name asked, lower-cased, no trailing dot. */
  name: string;
  client: string | null;
  /** The upstream it was forwarded to, once known. */
  server: string | null;
  /** Whether an answer said `<CNAME>` (later names are targets). */
  cname: boolean;
}

/** A name as a key: lower-cased, trailing dot dropped. */
function nameKey(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n.slice(0, -1) : n;
}

/** `7.0.0.127.in-addr.arpa` → `127.0.0.7`; a 32-nibble `ip6.arpa` name → its IPv6 address; else null. */
export function reverseNameAddress(name: string): string | null {
  const n = nameKey(name);
  if (n.endsWith('.in-addr.arpa')) {
    const parts = n.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4) return null;
    const a = parts.reverse().join('.');
    return looksLikeIp(a) ? a : null;
  }
  if (n.endsWith('.ip6.arpa')) {
    const nibbles = n.slice(0, -'.ip6.arpa'.length).split('.');
    if (nibbles.length !== 32 || nibbles.some((x) => !/^[0-9a-f]$/.test(x))) return null;
    const hex = nibbles.reverse().join('');
    return canonicalAddr(hex.match(/.{4}/g)!.join(':'));
  }
  return null;
}

/** Address of a `forwarded … to` server: `127.0.0.1#26353` → `127.0.0.1`; null when no address. */
function serverAddress(s: string): string | null {
  const hash = s.indexOf('#');
  const a = hash >= 0 ? s.slice(0, hash) : s;
  return looksLikeIp(a) ? canonicalAddr(a) : null;
}

/** Reads dnsmasq query logs. */
export class DnsmasqReader extends BaseLineReader {
  private readonly year: number;
  /** When the file was last written: a syslog stamp after it is last year's. */
  private readonly referenceMs: number | undefined;
  /** Queries awaiting answers, by `extra` serial (`#6`) or by name key; insertion order is age. */
  private readonly pending = new Map<string, PendingQuery>();
  /** Without `extra`: the query whose CNAME chain the following answer lines continue. */
  private chain: PendingQuery | null = null;

  /** `year` dates BSD syslog stamps, which carry none (default: the current UTC year). */
  constructor(path: string, opts: LineReaderOptions = {}) {
    super(path, 'dnsmasq');
    ({ year: this.year, referenceMs: this.referenceMs } = syslogClock(opts));
  }

  protected readRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void {
    if (hasControlBytes(line, 0, end)) { this.reject(sink, lineNo, 'not a dnsmasq record (control bytes)'); return; }
    const text = line.toString('utf8', 0, end);
    const m = SYSLOG_RE.exec(text);
    if (!m) {
      if (OTHER_SYSLOG_RE.test(text)) return;
      this.reject(sink, lineNo, `not a dnsmasq record: ${quoteForDiagnostic(text, 60)}`);
      return;
    }
    if (m[2] !== 'dnsmasq') return; // dnsmasq-dhcp, dnsmasq-tftp, other programs
    let msg = m[3]!;
    let serial: string | null = null;
    let extraClient: string | null = null;
    const x = EXTRA_RE.exec(msg);
    if (x && looksLikeIp(x[2]!)) {
      serial = `#${x[1]!}`;
      extraClient = canonicalAddr(x[2]!);
      msg = x[3]!;
    }
    const q = QUERY_RE.exec(msg);
    const f = q ? null : FORWARDED_RE.exec(msg);
    const a = q || f ? null : ANSWER_RE.exec(msg);
    if (!q && !f && !a) return; // start-up, cache and DNSSEC notices: no record
    const name = (q ?? f ?? a)![q || f ? 1 : 2]!;
    if (name.length > MAX_NAME_CHARS) { this.reject(sink, lineNo, `name too long (${name.length} characters)`); return; }
    this.records++;
    const ts = this.stampOf(m[1]!, lineNo, sink);
    if (q) this.readQuery(name, q[2]!, serial, extraClient, ts, lineNo, sink);
    else if (f) this.readForwarded(name, f[2]!, serial, extraClient, ts, lineNo, sink);
    else this.readAnswer(name, a![3]!, serial, extraClient, ts, lineNo, sink);
  }

  /** The record's time from its syslog stamp, or null (reported once). */
  private stampOf(stamp: string, lineNo: number, sink: ObservationSink): number | null {
    const ts = stamp.charCodeAt(0) <= 0x39 ? parseIsoMs(stamp) : parseSyslogTime(`${stamp} `, this.year, this.referenceMs)?.ms ?? null;
    if (ts === null) this.reportNoTimestamp(sink, lineNo, stamp);
    return ts;
  }

  private readQuery(name: string, from: string, serial: string | null, extraClient: string | null, ts: number | null, lineNo: number, sink: ObservationSink): void {
    const client = looksLikeIp(from) ? canonicalAddr(from) : extraClient;
    const pq: PendingQuery = { name: nameKey(name), client, server: null, cname: false };
    this.chain = null;
    if (serial !== null) this.remember(serial, pq);
    else {
      this.remember(pq.name, pq);
      const addr = reverseNameAddress(name);
      if (addr !== null) this.remember(addr, pq); // a PTR's answers name the address, not the query
    }
    sink.observe(makeObservation('dns.query', 'domain', name, ts, client, null, lineNo));
    if (client !== null) sink.observe(makeObservation('conn.orig_h', 'ip', client, ts, client, null, lineNo));
  }

  private readForwarded(name: string, to: string, serial: string | null, extraClient: string | null, ts: number | null, lineNo: number, sink: ObservationSink): void {
    this.chain = null;
    const pq = this.pending.get(serial ?? nameKey(name)) ?? null;
    const server = serverAddress(to);
    if (pq !== null && server !== null) pq.server = server;
    const client = pq?.client ?? extraClient;
    if (server !== null) sink.observe(makeObservation('conn.resp_h', 'ip', server, ts, client, server, lineNo));
  }

  private readAnswer(name: string, answer: string, serial: string | null, extraClient: string | null, ts: number | null, lineNo: number, sink: ObservationSink): void {
    const key = nameKey(name);
    const nameIsAddr = looksLikeIp(name);
    let pq: PendingQuery | null;
    if (serial !== null) pq = this.pending.get(serial) ?? null;
    else pq = this.chain ?? this.pending.get(nameIsAddr ? canonicalAddr(name) : key) ?? null;
    const src = pq?.client ?? extraClient;
    const dst = pq?.server ?? null;
    if (nameIsAddr) {
      // A PTR answer: the name is the address asked about, the answer a host name.
      if (!looksLikeIp(answer)) emitDnsAnswer(answer, ts, src, dst, lineNo, sink);
      return;
    }
    if (pq !== null && pq.cname && key !== pq.name) emitDnsAnswer(name, ts, src, dst, lineNo, sink);
    if (answer === '<CNAME>') {
      if (pq !== null) {
        pq.cname = true;
        if (serial === null) this.chain = pq;
      }
    } else if (looksLikeIp(answer)) {
      emitDnsAnswer(answer, ts, src, dst, lineNo, sink);
    }
  }

  /** Remembers a pending query under `key`, forgetting the oldest beyond MAX_PENDING_QUERIES. */
  private remember(key: string, pq: PendingQuery): void {
    this.pending.delete(key);
    this.pending.set(key, pq);
    if (this.pending.size > MAX_PENDING_QUERIES) {
      const oldest = this.pending.keys().next();
      if (!oldest.done) this.pending.delete(oldest.value);
    }
  }
}
