/**
 * Test and benchmark builder: writes EVTX files from WinEvents, as Windows
 * lays them out — a file header, 64 KiB chunks with CRC32s, records whose
 * Binary XML is a template instance; one template per event shape per chunk,
 * its definition inline in the first record that uses it, names inline at
 * their first use and referenced by offset after. EventData is written as
 * `<Data Name="…">` items (Sysmon-style) or, with `userData`, as leaf
 * elements under `<UserData><name>`. Each data item's substitution type can
 * be chosen (`types`), so every value type round-trips through its text.
 * Used by tests and bench/evtx only.
 */
import { crc32 } from 'node:zlib';
import type { WinEvent } from '../../winevent/event.js';
import { VT } from '../values.js';

export type EvtxValueType =
  | 'string' | 'ansi' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'real32' | 'real64'
  | 'bool' | 'binary' | 'guid' | 'sizet' | 'filetime' | 'systime' | 'sid' | 'hex32' | 'hex64' | 'binxml-string' | 'null';

/** An event to write; `types` names the substitution type of data items (default string; `T[]` splits the text on newlines into an array). */
export interface EvtxWriteEvent extends WinEvent {
  types?: Record<string, EvtxValueType | `${EvtxValueType}[]`>;
  /** Write `data` as `<UserData><userData>…leaves…</userData></UserData>` instead of EventData. */
  userData?: string;
}

const TYPE_CODE: Record<EvtxValueType, number> = {
  string: VT.STRING, ansi: VT.ANSI, int8: VT.INT8, uint8: VT.UINT8, int16: VT.INT16, uint16: VT.UINT16, int32: VT.INT32,
  uint32: VT.UINT32, int64: VT.INT64, uint64: VT.UINT64, real32: VT.REAL32, real64: VT.REAL64, bool: VT.BOOL, binary: VT.BINARY,
  guid: VT.GUID, sizet: VT.SIZET, filetime: VT.FILETIME, systime: VT.SYSTIME, sid: VT.SID, hex32: VT.HEXINT32, hex64: VT.HEXINT64,
  'binxml-string': VT.BINXML, null: VT.NULL,
};

const CHUNK = 65536, HEADER = 4096, CHUNK_HEADER = 512;
/**
 * Records end this many bytes before the chunk's end at the latest: libevtx
 * (20181227) drops a record that ends exactly at byte 65536, and the chunks
 * Windows writes never fill that far.
 */
const CHUNK_SLACK = 8;
const FILETIME_UNIX_EPOCH = 116444736000000000n;

/** A substitution value: its type code and bytes. */
interface SubValue { type: number; bytes: Buffer }

/** Template definition shape: elements, literal text and substitutions. */
type TPart = { text: string } | { sub: number; type: number };
interface TElement { el: string; attrs?: [string, TPart][]; children?: (TElement | TPart)[] }

class ChunkFull extends Error {}

function utf16(s: string): Buffer {
  return Buffer.from(s, 'utf16le');
}

/** MS-EVEN6 name hash: hash = hash * 65599 + code unit, low 16 bits kept. */
function nameHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 65599) + s.charCodeAt(i)) >>> 0;
  return h & 0xffff;
}

function filetime(ms: number, sub100ns = 0): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(ms) * 10000n + BigInt(sub100ns) + FILETIME_UNIX_EPOCH);
  return b;
}

/** Bytes of one scalar value of `type` from its text (the text the reader renders back). */
export function encodeScalar(type: EvtxValueType, text: string): Buffer {
  const b = Buffer.alloc(16);
  switch (type) {
    case 'string': return utf16(text);
    case 'ansi': return Buffer.from(text, 'latin1');
    case 'int8': b.writeInt8(Number(text)); return b.subarray(0, 1);
    case 'uint8': b.writeUInt8(Number(text)); return b.subarray(0, 1);
    case 'int16': b.writeInt16LE(Number(text)); return b.subarray(0, 2);
    case 'uint16': b.writeUInt16LE(Number(text)); return b.subarray(0, 2);
    case 'int32': b.writeInt32LE(Number(text)); return b.subarray(0, 4);
    case 'uint32': b.writeUInt32LE(Number(text)); return b.subarray(0, 4);
    case 'int64': b.writeBigInt64LE(BigInt(text)); return b.subarray(0, 8);
    case 'uint64': b.writeBigUInt64LE(BigInt(text)); return b.subarray(0, 8);
    case 'real32': b.writeFloatLE(Number(text)); return b.subarray(0, 4);
    case 'real64': b.writeDoubleLE(Number(text)); return b.subarray(0, 8);
    case 'bool': b.writeInt32LE(text === 'true' ? 1 : 0); return b.subarray(0, 4);
    case 'binary': return Buffer.from(text, 'hex');
    case 'guid': {
      const h = text.replace(/[{}-]/g, '');
      const raw = Buffer.from(h, 'hex');
      // Data1 (4), Data2 (2), Data3 (2) little-endian; Data4 (8) as is.
      return Buffer.concat([Buffer.from(raw.subarray(0, 4)).reverse(), Buffer.from(raw.subarray(4, 6)).reverse(), Buffer.from(raw.subarray(6, 8)).reverse(), raw.subarray(8)]);
    }
    case 'sizet': case 'hex64': b.writeBigUInt64LE(BigInt(text)); return b.subarray(0, 8);
    case 'hex32': b.writeUInt32LE(Number(text)); return b.subarray(0, 4);
    case 'filetime': {
      const m = /^(.*\.\d{3})(\d{4})Z$/.exec(text);
      return m ? filetime(Date.parse(`${m[1]}Z`), Number(m[2])) : filetime(Date.parse(text));
    }
    case 'systime': {
      const d = new Date(text);
      const f = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDay(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()];
      f.forEach((v, i) => b.writeUInt16LE(v, 2 * i));
      return b;
    }
    case 'sid': {
      const [, rev, auth, ...subs] = text.split('-');
      const out = Buffer.alloc(8 + 4 * subs.length);
      out[0] = Number(rev);
      out[1] = subs.length;
      out.writeUIntBE(Number(auth), 2, 6);
      subs.forEach((s, i) => out.writeUInt32LE(Number(s), 8 + 4 * i));
      return out;
    }
    case 'binxml-string': case 'null': return Buffer.alloc(0);
  }
}

function encodeValue(spec: EvtxValueType | `${EvtxValueType}[]`, text: string): SubValue {
  if (spec.endsWith('[]')) {
    const t = spec.slice(0, -2) as EvtxValueType;
    const items = text.split('\n').map((s) => encodeScalar(t, s));
    // String arrays are NUL-terminated items; fixed-size items follow one another.
    const bytes = t === 'string' ? Buffer.concat(items.flatMap((i) => [i, Buffer.alloc(2)])) : t === 'ansi' ? Buffer.concat(items.flatMap((i) => [i, Buffer.alloc(1)])) : Buffer.concat(items);
    return { type: TYPE_CODE[t] | VT.ARRAY, bytes };
  }
  return { type: TYPE_CODE[spec as EvtxValueType], bytes: encodeScalar(spec as EvtxValueType, text) };
}

/** The template shape of an event and its values, in substitution order. */
function shape(e: EvtxWriteEvent): { key: string; template: TElement; values: SubValue[]; binxml: (string | null)[] } {
  const values: SubValue[] = [];
  const binxml: (string | null)[] = [];
  const sub = (v: SubValue, inner: string | null = null): TPart => {
    values.push(v);
    binxml.push(inner);
    return { sub: values.length - 1, type: v.type };
  };
  const str = (s: string): SubValue => ({ type: VT.STRING, bytes: utf16(s) });
  const ts = e.ts ?? 0;
  const system: TElement = { el: 'System', children: [
    { el: 'Provider', attrs: [['Name', sub(str(e.provider))]] },
    { el: 'EventID', children: [sub({ type: VT.UINT16, bytes: encodeScalar('uint16', String(e.eventId)) })] },
    { el: 'Version', children: [sub({ type: VT.UINT8, bytes: Buffer.from([5]) })] },
    { el: 'Level', children: [sub({ type: VT.UINT8, bytes: Buffer.from([4]) })] },
    { el: 'Task', children: [sub({ type: VT.UINT16, bytes: encodeScalar('uint16', String(e.eventId)) })] },
    { el: 'Opcode', children: [sub({ type: VT.UINT8, bytes: Buffer.from([0]) })] },
    { el: 'Keywords', children: [sub({ type: VT.HEXINT64, bytes: encodeScalar('hex64', '0x8000000000000000') })] },
    { el: 'TimeCreated', attrs: [['SystemTime', sub({ type: VT.FILETIME, bytes: filetime(ts) })]] },
    { el: 'EventRecordID', children: [sub({ type: VT.UINT64, bytes: encodeScalar('uint64', String(e.recordId ?? 0)) })] },
    { el: 'Correlation' },
    { el: 'Execution', attrs: [['ProcessID', sub({ type: VT.UINT32, bytes: encodeScalar('uint32', '2468') })], ['ThreadID', sub({ type: VT.UINT32, bytes: encodeScalar('uint32', '1357') })]] },
    { el: 'Channel', children: [sub(str(e.channel))] },
    { el: 'Computer', children: [sub(str(e.computer))] },
    { el: 'Security', attrs: [['UserID', sub({ type: VT.SID, bytes: encodeScalar('sid', 'S-1-5-18') })]] },
  ] };
  const names = Object.keys(e.data);
  const item = (name: string): TPart => {
    const spec = e.types?.[name] ?? 'string';
    const text = e.data[name]!;
    if (spec === 'binxml-string') return sub({ type: VT.BINXML, bytes: Buffer.alloc(0) }, text);
    return sub(encodeValue(spec, text));
  };
  const body: TElement = e.userData
    ? { el: 'UserData', children: [{ el: e.userData, children: names.map((n) => ({ el: n, children: [item(n)] })) }] }
    : { el: 'EventData', children: names.map((n) => ({ el: 'Data', attrs: [['Name', { text: n }]], children: [item(n)] })) };
  const template: TElement = { el: 'Event', attrs: [['xmlns', { text: 'http://schemas.microsoft.com/win/2004/08/events/event' }]], children: [system, body] };
  const key = JSON.stringify([e.userData ?? '', names, values.map((v) => v.type)]);
  return { key, template, values, binxml };
}

/** Builds one chunk; throws ChunkFull when a record does not fit (the caller starts a new chunk). */
class ChunkBuilder {
  readonly buf = Buffer.alloc(CHUNK);
  p = CHUNK_HEADER;
  firstId = -1;
  lastId = -1;
  lastRecordAt = 0;
  private readonly names = new Map<string, number>();
  private readonly templates = new Map<string, number>();
  /** Names first written by the record being added (forgotten if it does not fit). */
  private newNames: string[] = [];
  private newTemplates: string[] = [];

  private room(n: number): void {
    if (this.p + n > CHUNK - CHUNK_SLACK) throw new ChunkFull();
  }
  private u8(v: number): void { this.room(1); this.buf[this.p++] = v; }
  private u16(v: number): void { this.room(2); this.buf.writeUInt16LE(v, this.p); this.p += 2; }
  private u32(v: number): void { this.room(4); this.buf.writeUInt32LE(v >>> 0, this.p); this.p += 4; }
  private bytes(b: Buffer): void { this.room(b.length); b.copy(this.buf, this.p); this.p += b.length; }

  private name(s: string): void {
    const known = this.names.get(s);
    if (known !== undefined) { this.u32(known); return; }
    const off = this.p + 4;
    this.u32(off);
    this.u32(0);
    this.u16(nameHash(s));
    this.u16(s.length);
    this.bytes(utf16(s));
    this.u16(0);
    this.names.set(s, off);
    this.newNames.push(s);
  }

  private part(x: TPart, inTemplate: boolean): void {
    if ('text' in x) {
      this.u8(0x05); this.u8(VT.STRING); this.u16(x.text.length); this.bytes(utf16(x.text));
    } else {
      if (!inTemplate) throw new Error('substitution outside a template');
      this.u8(0x0e); this.u16(x.sub); this.u8(x.type);
    }
  }

  private element(e: TElement, inTemplate: boolean): void {
    const attrs = e.attrs ?? [];
    const children = e.children ?? [];
    this.u8(attrs.length ? 0x41 : 0x01);
    if (inTemplate) this.u16(0xffff); // dependency id: none
    const sizeAt = this.p;
    this.u32(0);
    this.name(e.el);
    let attrSizeAt = -1;
    if (attrs.length) { attrSizeAt = this.p; this.u32(0); }
    const attrStart = this.p;
    attrs.forEach(([n, v], i) => {
      this.u8(i < attrs.length - 1 ? 0x46 : 0x06);
      this.name(n);
      this.part(v, inTemplate);
    });
    if (attrSizeAt >= 0) this.buf.writeUInt32LE(this.p - attrStart, attrSizeAt);
    if (children.length === 0) this.u8(0x03);
    else {
      this.u8(0x02);
      for (const c of children) {
        if ('el' in c) this.element(c, inTemplate); else this.part(c, inTemplate);
      }
      this.u8(0x04);
    }
    this.buf.writeUInt32LE(this.p - sizeAt - 4, sizeAt);
  }

  /** A template instance: its definition inline at first use in the chunk, then its values. */
  private instance(key: string, template: TElement, values: SubValue[], nested: (string | null)[]): void {
    this.u8(0x0c); this.u8(1);
    let defOff = this.templates.get(key);
    this.u32(0x5ea7_0000 + this.templates.size); // template id
    if (defOff === undefined) {
      defOff = this.p + 4;
      this.u32(defOff);
      this.u32(0); // next template in the hash bucket
      const guid = Buffer.alloc(16);
      guid.writeUInt32LE(0x5ea7_0000 + this.templates.size);
      this.bytes(guid);
      const sizeAt = this.p;
      this.u32(0);
      const dataStart = this.p;
      this.u8(0x0f); this.u8(1); this.u8(1); this.u8(0);
      this.element(template, true);
      this.u8(0x00);
      this.buf.writeUInt32LE(this.p - dataStart, sizeAt);
      this.templates.set(key, defOff);
      this.newTemplates.push(key);
    } else this.u32(defOff);
    // An embedded BinXml value's size is learnt by writing it once where it does not belong.
    const sizes = values.map((v, i) => {
      const text = nested[i];
      return text === null || text === undefined ? v.bytes.length : this.dryRun(() => this.textFragment(text));
    });
    this.u32(values.length);
    values.forEach((v, i) => { this.u16(sizes[i]!); this.u8(v.type); this.u8(0); });
    values.forEach((v, i) => {
      const text = nested[i];
      if (text === null || text === undefined) this.bytes(v.bytes); else this.textFragment(text);
    });
  }

  /** An embedded BinXml value as Windows writes them: a fragment holding an instance of `<Text>%1</Text>`. */
  private textFragment(text: string): void {
    this.u8(0x0f); this.u8(1); this.u8(1); this.u8(0);
    this.instance('#text', { el: 'Text', children: [{ sub: 0, type: VT.STRING }] }, [{ type: VT.STRING, bytes: utf16(text) }], [null]);
    this.u8(0x00);
  }

  /** Bytes `f` writes, then undoes it (names and templates it introduced forgotten). */
  private dryRun(f: () => void): number {
    const save = this.p, names = this.newNames.length, templates = this.newTemplates.length;
    f();
    const size = this.p - save;
    for (const n of this.newNames.splice(names)) this.names.delete(n);
    for (const t of this.newTemplates.splice(templates)) this.templates.delete(t);
    this.buf.fill(0, save, this.p);
    this.p = save;
    return size;
  }

  /** Appends one record; on ChunkFull the chunk is left as it was. */
  add(e: EvtxWriteEvent, id: number): void {
    const at = this.p;
    this.newNames = [];
    this.newTemplates = [];
    try {
      const { key, template, values, binxml } = shape(e);
      this.room(24);
      this.buf.writeUInt32LE(0x00002a2a, at);
      this.buf.writeBigUInt64LE(BigInt(id), at + 8);
      filetime(e.ts ?? 0).copy(this.buf, at + 16);
      this.p = at + 24;
      this.u8(0x0f); this.u8(1); this.u8(1); this.u8(0);
      this.instance(key, template, values, binxml);
      this.u8(0x00);
      this.room(4);
      const size = this.p + 4 - at;
      this.buf.writeUInt32LE(size, at + 4);
      this.u32(size);
      if (this.firstId < 0) this.firstId = id;
      this.lastId = id;
      this.lastRecordAt = at;
    } catch (err) {
      this.buf.fill(0, at, Math.min(this.p, CHUNK));
      this.p = at;
      for (const n of this.newNames) this.names.delete(n);
      for (const t of this.newTemplates) this.templates.delete(t);
      throw err;
    }
  }

  /** The finished chunk with its header and CRCs. */
  finish(): Buffer {
    const b = this.buf;
    b.write('ElfChnk\0', 0, 'latin1');
    b.writeBigUInt64LE(BigInt(this.firstId), 8);
    b.writeBigUInt64LE(BigInt(this.lastId), 16);
    b.writeBigUInt64LE(BigInt(this.firstId), 24);
    b.writeBigUInt64LE(BigInt(this.lastId), 32);
    b.writeUInt32LE(128, 40);
    b.writeUInt32LE(this.lastRecordAt, 44);
    b.writeUInt32LE(this.p, 48);
    b.writeUInt32LE(crc32(b.subarray(CHUNK_HEADER, this.p)), 52);
    b.writeUInt32LE(crc32(b.subarray(128, CHUNK_HEADER), crc32(b.subarray(0, 120))), 124);
    return b;
  }
}

/**
 * Streaming writer: add() events, each finished 64 KiB chunk goes to
 * onChunk; finish() flushes the last chunk and returns the 4 KiB file header
 * (which belongs before the chunks).
 */
export class EvtxWriter {
  private chunk = new ChunkBuilder();
  private chunks = 0;
  private nextId = 1;

  constructor(private readonly onChunk: (chunk: Buffer) => void, private readonly opts: { dirty?: boolean } = {}) {}

  add(e: EvtxWriteEvent): void {
    const id = e.recordId ?? this.nextId;
    const ev = { ...e, recordId: id };
    try {
      this.chunk.add(ev, id);
    } catch (err) {
      if (!(err instanceof ChunkFull)) throw err;
      if (this.chunk.firstId < 0) throw new Error(`record ${id} does not fit in an empty chunk`);
      this.flush();
      this.chunk.add(ev, id);
    }
    this.nextId = id + 1;
  }

  private flush(): void {
    if (this.chunk.firstId < 0) return;
    this.onChunk(this.chunk.finish());
    this.chunks++;
    this.chunk = new ChunkBuilder();
  }

  finish(): Buffer {
    this.flush();
    const h = Buffer.alloc(HEADER);
    h.write('ElfFile\0', 0, 'latin1');
    h.writeBigUInt64LE(0n, 8);
    h.writeBigUInt64LE(BigInt(Math.max(0, this.chunks - 1)), 16);
    h.writeBigUInt64LE(BigInt(this.nextId), 24);
    h.writeUInt32LE(128, 32);
    h.writeUInt16LE(1, 36);
    h.writeUInt16LE(3, 38);
    h.writeUInt16LE(HEADER, 40);
    h.writeUInt16LE(Math.min(this.chunks, 0xffff), 42);
    h.writeUInt32LE(this.opts.dirty ? 1 : 0, 120);
    h.writeUInt32LE(crc32(h.subarray(0, 120)), 124);
    return h;
  }
}

/** A whole EVTX file of `events`. */
export function writeEvtx(events: Iterable<EvtxWriteEvent>, opts: { dirty?: boolean } = {}): Buffer {
  const chunks: Buffer[] = [];
  const w = new EvtxWriter((c) => chunks.push(Buffer.from(c)), opts);
  for (const e of events) w.add(e);
  return Buffer.concat([w.finish(), ...chunks]);
}

/**
 * A one-chunk EVTX file whose records hold the given Binary XML streams as
 * they are (for hostile-input tests): each function gets the chunk offset
 * where its stream will start and returns the stream's bytes.
 */
export function rawEvtx(streams: ((at: number) => Buffer)[]): Buffer {
  const c = Buffer.alloc(CHUNK);
  let p = CHUNK_HEADER, last = 0;
  streams.forEach((make, i) => {
    const xml = make(p + 24);
    const size = 24 + xml.length + 4;
    c.writeUInt32LE(0x00002a2a, p);
    c.writeUInt32LE(size, p + 4);
    c.writeBigUInt64LE(BigInt(i + 1), p + 8);
    filetime(0).copy(c, p + 16);
    xml.copy(c, p + 24);
    c.writeUInt32LE(size, p + size - 4);
    last = p;
    p += size;
  });
  c.write('ElfChnk\0', 0, 'latin1');
  c.writeBigUInt64LE(1n, 8);
  c.writeBigUInt64LE(BigInt(streams.length), 16);
  c.writeBigUInt64LE(1n, 24);
  c.writeBigUInt64LE(BigInt(streams.length), 32);
  c.writeUInt32LE(128, 40);
  c.writeUInt32LE(last, 44);
  c.writeUInt32LE(p, 48);
  c.writeUInt32LE(crc32(c.subarray(CHUNK_HEADER, p)), 52);
  c.writeUInt32LE(crc32(c.subarray(128, CHUNK_HEADER), crc32(c.subarray(0, 120))), 124);
  const w = new EvtxWriter(() => {});
  const h = w.finish();
  h.writeUInt16LE(1, 42);
  h.writeUInt32LE(crc32(h.subarray(0, 120)), 124);
  return Buffer.concat([h, c]);
}
