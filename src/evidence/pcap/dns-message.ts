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

const TYPE_A = 1;
const TYPE_CNAME = 5;
const TYPE_AAAA = 28;

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
  let text = '';
  for (;;) {
    if (p >= end) { out.error = 'name runs past the end of the message'; return; }
    const c = buf[p]!;
    if (c === 0) {
      if (out.next < 0) out.next = p + 1;
      out.text = text;
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
    const label = buf.toString('latin1', p + 1, p + 1 + c);
    text = text === '' ? label : `${text}.${label}`;
    p += 1 + c;
  }
}
