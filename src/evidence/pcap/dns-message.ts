/**
 * A small, bounds-checked DNS message reader (RFC 1035 §4): question names,
 * A/AAAA addresses and CNAME targets of the answer section. Compression
 * pointers must point before the label run that holds them, so loops end.
 * Also the wire format of mDNS (RFC 6762) and LLMNR (RFC 4795).
 */
import { formatIPv6 } from '../../core/normalize.js';

/** Longest name in wire bytes (RFC 1035 §2.3.4). */
export const MAX_DNS_NAME_BYTES = 255;
/** Compression pointers followed in one name. */
export const MAX_DNS_POINTERS = 64;
/** Questions, and resource records, read per message. */
export const MAX_DNS_RECORDS = 256;
/** Questions a message may carry to be taken for DNS by content (RFC 9619: in practice exactly one). */
export const MAX_SNIFF_DNS_QUESTIONS = 4;
/** Records (answer + authority + additional) a message may carry to be taken for DNS by content. */
export const MAX_SNIFF_DNS_RECORDS = 64;
/** Shortest message taken for DNS by content: the header and a question for the root (name byte, type, class). */
export const MIN_SNIFF_DNS_BYTES = 12 + 1 + 4;

const TYPE_A = 1;
const TYPE_CNAME = 5;
const TYPE_AAAA = 28;
/** EDNS(0) pseudo-record (RFC 6891 §6.1.2): its class is a UDP payload size, not a class. */
const TYPE_OPT = 41;

/** What one DNS message says. */
export interface DnsMessage {
  isResponse: boolean;
  questions: string[];
  /** A and AAAA record addresses (answer, authority and additional sections), in text form. */
  addresses: string[];
  /** CNAME targets (any section). */
  cnames: string[];
  /** Why reading stopped early, or null. What was read before stays. */
  error: string | null;
}

/** Reads the DNS message in buf[off, off+len); never throws. */
export function readDnsMessage(buf: Buffer, off: number, len: number): DnsMessage {
  const msg: DnsMessage = { isResponse: false, questions: [], addresses: [], cnames: [], error: null };
  const end = off + len;
  if (len < 12) {
    msg.error = `message of ${len} bytes is shorter than the 12-byte header`;
    return msg;
  }
  msg.isResponse = (buf[off + 2]! & 0x80) !== 0;
  const qd = buf.readUInt16BE(off + 4);
  // A/AAAA/CNAME are read from all three record sections: glue in the additional section names addresses too.
  const records = buf.readUInt16BE(off + 6) + buf.readUInt16BE(off + 8) + buf.readUInt16BE(off + 10);
  const name: NameResult = { text: '', next: 0, error: null };
  let p = off + 12;
  for (let i = 0; i < qd && i < MAX_DNS_RECORDS; i++) {
    readName(buf, off, end, p, name);
    if (name.error !== null) { msg.error = name.error; return msg; }
    if (end - name.next < 4) { msg.error = 'question runs past the end of the message'; return msg; }
    if (name.text !== '') msg.questions.push(name.text);
    p = name.next + 4;
  }
  for (let i = 0; i < records && i < MAX_DNS_RECORDS; i++) {
    readName(buf, off, end, p, name);
    if (name.error !== null) { msg.error = name.error; return msg; }
    if (end - name.next < 10) { msg.error = 'record runs past the end of the message'; return msg; }
    const type = buf.readUInt16BE(name.next);
    const rdlen = buf.readUInt16BE(name.next + 8);
    const rd = name.next + 10;
    if (end - rd < rdlen) { msg.error = 'record data runs past the end of the message'; return msg; }
    if (type === TYPE_A && rdlen === 4) {
      msg.addresses.push(`${buf[rd]}.${buf[rd + 1]}.${buf[rd + 2]}.${buf[rd + 3]}`);
    } else if (type === TYPE_AAAA && rdlen === 16) {
      const g: number[] = [];
      for (let k = 0; k < 8; k++) g.push(buf.readUInt16BE(rd + 2 * k));
      msg.addresses.push(formatIPv6(g));
    } else if (type === TYPE_CNAME) {
      readName(buf, off, rd + rdlen, rd, name);
      if (name.error !== null) { msg.error = name.error; return msg; }
      if (name.text !== '') msg.cnames.push(name.text);
    }
    p = rd + rdlen;
  }
  return msg;
}

/** Scratch space for the text of one name: its wire bytes less one (MAX_DNS_NAME_BYTES) hold the labels and dots. */
const NAME_BYTES = Buffer.alloc(MAX_DNS_NAME_BYTES);

/** A name read at some offset: its text (labels joined by dots, '' for the root) and where the record goes on. */
export interface NameResult {
  text: string;
  next: number;
  error: string | null;
}

/** Reads a (possibly compressed) name at pos of the message at msg..end into out. */
export function readName(buf: Buffer, msg: number, end: number, pos: number, out: NameResult): void {
  out.text = '';
  out.error = null;
  out.next = -1;
  let p = pos;
  let runStart = pos;
  let wire = 0;
  let pointers = 0;
  // The labels and their dots are gathered here and made a string once (a string per label, joined one by one, cost more).
  const text = NAME_BYTES;
  let n = 0;
  for (;;) {
    if (p >= end) { out.error = 'name runs past the end of the message'; return; }
    const c = buf[p]!;
    if (c === 0) {
      if (out.next < 0) out.next = p + 1;
      out.text = n === 0 ? '' : text.toString('latin1', 0, n);
      return;
    }
    const kind = c & 0xc0;
    if (kind === 0xc0) {
      if (end - p < 2) { out.error = 'compression pointer runs past the end of the message'; return; }
      const target = msg + (((c & 0x3f) << 8) | buf[p + 1]!);
      if (target >= runStart) { out.error = `compression pointer at byte ${p - msg} to byte ${target - msg} does not point backwards (a loop)`; return; }
      if (++pointers > MAX_DNS_POINTERS) { out.error = `more than ${MAX_DNS_POINTERS} compression pointers in one name`; return; }
      if (out.next < 0) out.next = p + 2;
      p = target;
      runStart = target;
      continue;
    }
    if (kind !== 0) { out.error = `unknown label type 0x${c.toString(16)} at byte ${p - msg}`; return; }
    wire += c + 1;
    if (wire + 1 > MAX_DNS_NAME_BYTES) { out.error = `name longer than ${MAX_DNS_NAME_BYTES} bytes`; return; }
    if (end - p - 1 < c) { out.error = 'label runs past the end of the message'; return; }
    if (n !== 0) text[n++] = 0x2e;
    for (let i = p + 1; i <= p + c; i++) text[n++] = buf[i]!;
    p += 1 + c;
  }
}

/**
 * Whether buf[off, off+len) is, strictly, a DNS message — for traffic on a
 * port that does not say so (Zeek's dynamic protocol detection does the same
 * for DNS on any port). `complete`: the bytes are the whole message (a UDP
 * datagram, or a DNS-over-TCP message whose length prefix is met); otherwise
 * they are a prefix of it. true: DNS; false: not; null: a prefix too short to tell.
 *
 * Strict, so random datagrams are not taken for DNS: a plausible opcode
 * (RFC 1035 §4.1.1, RFC 1996 NOTIFY, RFC 2136 UPDATE), the reserved Z bit clear,
 * a query without answer-only bits, 1..MAX_SNIFF_DNS_QUESTIONS questions whose
 * names are printable and whose class is a real one (RFC 1035 §3.2.4, RFC 2136
 * NONE, RFC 6762 §5.4 unicast bit), then every record well formed and the
 * message ending exactly where its last record does.
 */
export function sniffDnsMessage(buf: Buffer, off: number, len: number, complete: boolean): boolean | null {
  if (len < 12) return complete ? false : null;
  if (complete && len < MIN_SNIFF_DNS_BYTES) return false;
  const end = off + len;
  const f1 = buf[off + 2]!, f2 = buf[off + 3]!;
  const isResponse = (f1 & 0x80) !== 0;
  const opcode = (f1 >> 3) & 0x0f;
  if (opcode !== 0 && opcode !== 1 && opcode !== 2 && opcode !== 4 && opcode !== 5) return false;
  if ((f2 & 0x40) !== 0) return false; // Z: must be zero (RFC 1035 §4.1.1)
  const rcode = f2 & 0x0f;
  // A query carries no AA, RA or RCODE (they are the responder's).
  if (!isResponse && ((f1 & 0x04) !== 0 || (f2 & 0x80) !== 0 || rcode !== 0)) return false;
  if (rcode > 11) return false; // 12..15 are unassigned (IANA DNS parameters)
  const qd = buf.readUInt16BE(off + 4);
  const an = buf.readUInt16BE(off + 6);
  const records = an + buf.readUInt16BE(off + 8) + buf.readUInt16BE(off + 10);
  if (qd < 1 || qd > MAX_SNIFF_DNS_QUESTIONS || records > MAX_SNIFF_DNS_RECORDS) return false;
  if (!isResponse && opcode === 0 && an !== 0) return false; // a standard query has no answers
  const name: NameResult = { text: '', next: 0, error: null };
  let p = off + 12;
  for (let i = 0; i < qd; i++) {
    readName(buf, off, end, p, name);
    if (name.error !== null || end - name.next < 4) return !complete && cutShort(name) ? null : false;
    if (!isPrintableName(name.text)) return false;
    if (buf.readUInt16BE(name.next) === 0 || !isDnsClass(buf.readUInt16BE(name.next + 2) & 0x7fff)) return false;
    p = name.next + 4;
  }
  for (let i = 0; i < records; i++) {
    readName(buf, off, end, p, name);
    // In a prefix, a record cut by its end is fine: the questions held, and that is the judgement.
    if (name.error !== null || end - name.next < 10) return !complete && cutShort(name);
    const type = buf.readUInt16BE(name.next);
    const cls = buf.readUInt16BE(name.next + 2);
    const rdlen = buf.readUInt16BE(name.next + 8);
    if (type === 0 || (type !== TYPE_OPT && !isDnsClass(cls & 0x7fff))) return false;
    if (end - name.next - 10 < rdlen) return !complete;
    p = name.next + 10 + rdlen;
  }
  return p === end || !complete;
}

/** Whether a name read stopped only because the bytes ran out (not because it is malformed). */
function cutShort(name: NameResult): boolean {
  return name.error === null || name.error.includes('past the end');
}

/** IN, CH, HS, NONE, ANY (RFC 1035 §3.2.4, RFC 2136 §1.3). */
function isDnsClass(c: number): boolean {
  return c === 1 || c === 3 || c === 4 || c === 254 || c === 255;
}

/** Printable ASCII, no space: what names on the wire hold in practice (RFC 1035 §2.3.1 and host names). */
function isPrintableName(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}
