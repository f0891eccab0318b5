/**
 * EVTX Binary XML (MS-EVEN6 §2.2.12–2.2.17): token streams parsed into small
 * node trees, template definitions compiled once per chunk (cached by offset),
 * and a walker that expands template instances with their substitution values
 * for a visitor. Every offset and count is checked against the stream's end;
 * element nesting, template nesting and the nodes a record expands to are
 * capped; a stream that breaks a rule throws an EvtxFormatError (the reader
 * turns it into a diagnostic naming the record).
 */
import { VT, arrayItems, renderScalar } from './values.js';

// Value types used on the walk's hot path, as plain constants.
const T_NULL = VT.NULL, T_STRING = VT.STRING, T_BINXML = VT.BINXML, T_ARRAY = VT.ARRAY;

/** Deepest element nesting accepted in one stream. */
export const MAX_ELEMENT_DEPTH = 64;
/** Deepest nesting of template instances and embedded BinXml values. */
export const MAX_TEMPLATE_DEPTH = 8;
/** Most nodes one record may expand to (templates repeated inside templates cannot blow up). */
export const MAX_RECORD_NODES = 1 << 16;
/** Most substitution values one template instance may carry. */
export const MAX_SUBSTITUTIONS = 4096;
/** Most items an array value is expanded to. */
export const MAX_ARRAY_ITEMS = 4096;

/** A stream that breaks the format: the record (or template) it sits in is skipped. */
export class EvtxFormatError extends Error {}

function bad(reason: string): never {
  throw new EvtxFormatError(reason);
}

const K_ELEMENT = 0, K_TEXT = 1, K_SUB = 2, K_INSTANCE = 3, K_PI = 4;

/**
 * An element with its attributes and content; `subs` are the substitutions
 * among its direct content and attribute values (where an array value makes
 * the element repeat, and an absent optional value leaves it out).
 */
export interface XmlElement { kind: 0; name: string; attrs: XmlAttr[]; children: XmlNode[]; subs: XmlSub[] | null }
/** An attribute; its value is text and substitutions. */
export interface XmlAttr { name: string; parts: XmlNode[] }
/** Literal text (value text, CDATA, character and entity references resolved). */
export interface XmlText { kind: 1; text: string }
/** A substitution of a template definition: value `index` of the instance. */
export interface XmlSub { kind: 2; index: number; optional: boolean }
/** A template instance: the template and its values as flat [type, offset, size] triples (chunk offsets). */
export interface XmlInstance { kind: 3; template: Template; values: number[] }
/** A processing instruction. */
export interface XmlPi { kind: 4; target: string; data: string }
export type XmlNode = XmlElement | XmlText | XmlSub | XmlInstance | XmlPi;

/** A compiled template definition. */
export interface Template { nodes: XmlNode[] }

/** What a walk reports, in document order. Substitution values come raw: the visitor renders only what it needs. */
export interface XmlVisitor {
  open(name: string): void;
  /** Starts attribute `name`; text()/value() calls until attrEnd() are its value. */
  attr(name: string): void;
  attrEnd(): void;
  text(s: string): void;
  /** A scalar substitution value of `type` in b[off, off+size) (see values.ts). */
  value(b: Buffer, type: number, off: number, size: number): void;
  close(): void;
  pi?(target: string, data: string): void;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * One chunk's parsing context: its bytes (offsets in names, templates and
 * values are relative to the chunk's start), its name cache and template cache.
 */
export class ChunkContext {
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, Template | EvtxFormatError>();
  /** Nodes walked for the current record (reset per record). */
  walked = 0;

  /** `buf` holds the chunk from its first byte; `end` is how many of its bytes are there. */
  constructor(readonly buf: Buffer, readonly end: number) {}

  /** The name at chunk offset `off`: next-offset u32, hash u16, char count u16, UTF-16 chars, NUL. */
  name(off: number): string {
    const cached = this.names.get(off);
    if (cached !== undefined) return cached;
    if (off + 8 > this.end) bad(`name offset ${off} outside the chunk`);
    const n = this.buf.readUInt16LE(off + 6);
    if (off + 8 + 2 * n > this.end) bad(`name at ${off} runs past the chunk`);
    const s = this.buf.toString('utf16le', off + 8, off + 8 + 2 * n);
    this.names.set(off, s);
    return s;
  }

  /** The template whose definition is at chunk offset `off` (header: next u32, GUID, data size u32; then the data). */
  template(off: number, depth: number): Template {
    const cached = this.templates.get(off);
    if (cached !== undefined) {
      if (cached instanceof EvtxFormatError) throw cached;
      return cached;
    }
    try {
      if (depth > MAX_TEMPLATE_DEPTH) bad(`templates nested deeper than ${MAX_TEMPLATE_DEPTH}`);
      if (off + 24 > this.end) bad(`template offset ${off} outside the chunk`);
      const size = this.buf.readUInt32LE(off + 20);
      if (size > this.end - off - 24) bad(`template at ${off} runs past the chunk`);
      const t: Template = { nodes: parseStream(this, off + 24, off + 24 + size, true, depth) };
      this.templates.set(off, t);
      return t;
    } catch (e) {
      if (!(e instanceof EvtxFormatError)) throw e;
      // Named once, by the template where it failed.
      const err = e.message.startsWith('template at ') ? e : new EvtxFormatError(`template at ${off}: ${e.message}`);
      this.templates.set(off, err);
      throw err;
    }
  }
}

/**
 * Parses the token stream in ctx.buf[start, end). `inTemplate`: a template
 * definition (elements carry a dependency id and substitutions are allowed);
 * otherwise a record's stream or an embedded BinXml value.
 */
export function parseStream(ctx: ChunkContext, start: number, end: number, inTemplate: boolean, depth: number): XmlNode[] {
  if (start < 0 || end > ctx.end || start > end) bad('stream outside the chunk');
  return new StreamParser(ctx, start, end, inTemplate, depth).content(0);
}

class StreamParser {
  private readonly b: Buffer;

  constructor(
    private readonly ctx: ChunkContext, private pos: number, private readonly end: number,
    private readonly inTemplate: boolean, private readonly depth: number,
  ) {
    this.b = ctx.buf;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) bad(`stream cut off at ${this.pos}`);
  }

  private u8(): number {
    this.need(1);
    return this.b[this.pos++]!;
  }

  private u16(): number {
    this.need(2);
    const v = this.b.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4);
    const v = this.b.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** UTF-16 text of `n` characters at the position. */
  private chars(n: number): string {
    this.need(2 * n);
    const s = this.b.toString('utf16le', this.pos, this.pos + 2 * n);
    this.pos += 2 * n;
    return s;
  }

  /** A name reference; when it points right here the name is inline and skipped over. */
  private name(): string {
    const off = this.u32();
    if (off === this.pos) {
      this.need(8);
      const n = this.b.readUInt16LE(this.pos + 6);
      this.need(8 + 2 * n + 2);
      this.pos += 8 + 2 * n + 2;
    }
    return this.ctx.name(off);
  }

  content(level: number): XmlNode[] {
    const out: XmlNode[] = [];
    for (;;) {
      if (this.pos >= this.end) {
        if (level > 0) bad('stream ends inside an element');
        return out;
      }
      const t = this.b[this.pos]!;
      switch (t & 0xbf) {
        case 0x00:
          if (level > 0) bad('end of stream inside an element');
          this.pos++;
          return out;
        case 0x04:
          if (level === 0) bad(`end of element outside any element at ${this.pos}`);
          this.pos++;
          return out;
        case 0x0f: // fragment header: token, major, minor, flags
          this.need(4);
          this.pos += 4;
          break;
        case 0x01:
          out.push(this.element(level + 1));
          break;
        case 0x0a: {
          this.pos++;
          const target = this.name();
          if (this.u8() !== 0x0b) bad('processing instruction without its data');
          out.push({ kind: K_PI, target, data: this.chars(this.u16()) });
          break;
        }
        case 0x0c:
          out.push(this.instance());
          break;
        default:
          out.push(this.part(t));
      }
    }
  }

  /** A value-like token: text, CDATA, char or entity reference, substitution. */
  private part(t: number): XmlNode {
    this.pos++;
    switch (t & 0xbf) {
      case 0x05: {
        const type = this.u8();
        if (type !== T_STRING) bad(`value text of type 0x${type.toString(16)}`);
        return { kind: K_TEXT, text: this.chars(this.u16()) };
      }
      case 0x07:
        return { kind: K_TEXT, text: this.chars(this.u16()) };
      case 0x08:
        return { kind: K_TEXT, text: String.fromCharCode(this.u16()) };
      case 0x09: {
        const name = this.name();
        return { kind: K_TEXT, text: ENTITIES[name] ?? `&${name};` };
      }
      case 0x0d: case 0x0e: {
        if (!this.inTemplate) bad(`substitution outside a template at ${this.pos - 1}`);
        const index = this.u16();
        this.u8(); // the type the template expects; the instance's own value type is what counts
        return { kind: K_SUB, index, optional: t === 0x0e };
      }
      default:
        return bad(`unknown token 0x${t.toString(16)} at ${this.pos - 1}`);
    }
  }

  private element(level: number): XmlElement {
    if (level > MAX_ELEMENT_DEPTH) bad(`elements nested deeper than ${MAX_ELEMENT_DEPTH}`);
    const t = this.u8();
    if (this.inTemplate) this.u16(); // dependency id
    this.u32(); // data size: the structure itself says where the element ends
    const name = this.name();
    if (t & 0x40) this.u32(); // attribute list size
    const attrs: XmlAttr[] = [];
    while (this.pos < this.end && (this.b[this.pos]! & 0xbf) === 0x06) {
      this.pos++;
      const attrName = this.name();
      const parts: XmlNode[] = [];
      while (this.pos < this.end && isValueToken(this.b[this.pos]!)) parts.push(this.part(this.b[this.pos]!));
      attrs.push({ name: attrName, parts });
    }
    const close = this.u8();
    if (close !== 0x02 && close !== 0x03) bad(`element <${name}> not closed (token 0x${close.toString(16)} at ${this.pos - 1})`);
    const children = close === 0x03 ? [] : this.content(level);
    let subs: XmlSub[] | null = null;
    for (const c of children) if (c.kind === K_SUB) (subs ??= []).push(c);
    for (const a of attrs) for (const p of a.parts) if (p.kind === K_SUB) (subs ??= []).push(p);
    return { kind: K_ELEMENT, name, attrs, children, subs };
  }

  /** Template instance: token, 1 byte, template id, definition offset, [inline definition], values. */
  private instance(): XmlInstance {
    this.pos++;
    this.u8();
    this.u32(); // template id (the first 4 bytes of the definition's GUID)
    const defOff = this.u32();
    if (defOff === this.pos) {
      // The definition sits inline (first use in this chunk): skip its header and data.
      this.need(24);
      const size = this.b.readUInt32LE(this.pos + 20);
      this.need(24 + size);
      this.pos += 24 + size;
    }
    const template = this.ctx.template(defOff, this.depth + 1);
    const count = this.u32();
    if (count > MAX_SUBSTITUTIONS) bad(`${count} substitution values (most ${MAX_SUBSTITUTIONS})`);
    this.need(4 * count);
    const values = new Array<number>(3 * count);
    let vpos = this.pos + 4 * count;
    for (let i = 0; i < count; i++) {
      const size = this.b.readUInt16LE(this.pos + 4 * i);
      values[3 * i] = this.b[this.pos + 4 * i + 2]!;
      values[3 * i + 1] = vpos;
      values[3 * i + 2] = size;
      vpos += size;
    }
    if (vpos > this.end) bad('substitution values run past the stream');
    this.pos = vpos;
    return { kind: K_INSTANCE, template, values };
  }
}

function isValueToken(t: number): boolean {
  const k = t & 0xbf;
  return k === 0x05 || k === 0x08 || k === 0x09 || t === 0x0d || t === 0x0e;
}

/** Expands `nodes` (with the instance values `values`) for the visitor. */
export function walk(ctx: ChunkContext, nodes: XmlNode[], values: number[], v: XmlVisitor, depth: number): void {
  for (const node of nodes) {
    if (++ctx.walked > MAX_RECORD_NODES) bad(`record expands to more than ${MAX_RECORD_NODES} nodes`);
    switch (node.kind) {
      case K_ELEMENT: {
        if (node.subs === null) { emitElement(ctx, node, values, v, depth, -1); break; }
        if (omitted(node, values)) break;
        const n = arrayLength(ctx, node, values);
        if (n < 0) emitElement(ctx, node, values, v, depth, -1);
        else for (let i = 0; i < n; i++) emitElement(ctx, node, values, v, depth, i);
        break;
      }
      case K_TEXT: v.text(node.text); break;
      case K_SUB: substitute(ctx, node, values, v, depth, -1); break;
      case K_INSTANCE:
        if (depth + 1 > MAX_TEMPLATE_DEPTH) bad(`templates nested deeper than ${MAX_TEMPLATE_DEPTH}`);
        walk(ctx, node.template.nodes, node.values, v, depth + 1);
        break;
      case K_PI: v.pi?.(node.target, node.data); break;
    }
  }
}

/**
 * An element whose only content is an optional substitution with no value
 * (type NULL) is left out, as Windows and libevtx render it (`<Binary>` of an
 * event without binary data); an empty string value keeps it (`<Data/>`).
 */
function omitted(el: XmlElement, values: number[]): boolean {
  if (el.children.length !== 1 || el.attrs.length !== 0) return false;
  const c = el.children[0]!;
  return c.kind === K_SUB && c.optional && (3 * c.index >= values.length || values[3 * c.index] === T_NULL);
}

/**
 * MS-EVEN6 §3.1.4.7.5: an element whose own content or attributes hold an
 * array value is repeated once per item. Returns the item count, or -1.
 */
function arrayLength(ctx: ChunkContext, el: XmlElement, values: number[]): number {
  let sub: XmlSub | null = null;
  for (const c of el.subs!) if (values[3 * c.index]! & T_ARRAY) { sub = c; break; }
  if (!sub) return -1;
  const i = 3 * sub.index;
  return arrayItems(ctx.buf, values[i]! & 0x7f, values[i + 1]!, values[i + 2]!, MAX_ARRAY_ITEMS).length / 2;
}

function emitElement(ctx: ChunkContext, el: XmlElement, values: number[], v: XmlVisitor, depth: number, item: number): void {
  v.open(el.name);
  for (const a of el.attrs) {
    v.attr(a.name);
    for (const p of a.parts) {
      if (p.kind === K_TEXT) v.text(p.text);
      else if (p.kind === K_SUB) substitute(ctx, p, values, v, depth, item);
    }
    v.attrEnd();
  }
  if (item < 0) walk(ctx, el.children, values, v, depth);
  else {
    for (const c of el.children) {
      if (c.kind === K_SUB) substitute(ctx, c, values, v, depth, item);
      else walk(ctx, [c], values, v, depth);
    }
  }
  v.close();
}

function substitute(ctx: ChunkContext, s: XmlSub, values: number[], v: XmlVisitor, depth: number, item: number): void {
  const i = 3 * s.index;
  if (i >= values.length) return; // a template may name more values than an instance carries: nothing to put there
  const type = values[i]!, off = values[i + 1]!, size = values[i + 2]!;
  if (type === T_NULL || size === 0) return;
  if (type === T_BINXML) {
    if (depth + 1 > MAX_TEMPLATE_DEPTH) bad(`embedded BinXml nested deeper than ${MAX_TEMPLATE_DEPTH}`);
    walk(ctx, parseStream(ctx, off, off + size, false, depth + 1), [], v, depth + 1);
    return;
  }
  if (type & T_ARRAY) {
    const items = arrayItems(ctx.buf, type & 0x7f, off, size, MAX_ARRAY_ITEMS);
    if (item >= 0) {
      if (2 * item < items.length) v.value(ctx.buf, type & 0x7f, items[2 * item]!, items[2 * item + 1]!);
    } else {
      // An array inside a deeper element or mixed content: its items joined by commas.
      const parts: string[] = [];
      for (let k = 0; k < items.length; k += 2) parts.push(renderScalar(ctx.buf, type & 0x7f, items[k]!, items[k + 1]!));
      v.text(parts.join(','));
    }
    return;
  }
  v.value(ctx.buf, type, off, size);
}
