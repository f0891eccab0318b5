/**
 * One Windows event as XML (`wevtutil qe /f:xml`, `Get-WinEvent … ToXml()`,
 * python-evtx's `evtx_dump.py`) → WinEvent. Not a general XML parser: a small
 * bounded tokenizer for the event schema
 * (http://schemas.microsoft.com/win/2004/08/events/event), which is flat:
 * `Event/System/*`, `Event/EventData/Data[@Name]`, `Event/UserData/…` leaves.
 *
 * Hostile input: no DTD (a `<!DOCTYPE` is refused, so no entity expansion),
 * only the five predefined and numeric character references, depth, element
 * and attribute counts capped, every scan linear in the input. A damaged
 * event is an error string, never an exception.
 */
import type { WinEvent } from './event.js';
import { parseEventTime, parseRecordId, parseEventId } from './event-values.js';

/** Deepest element nesting read (an event is 4–5 deep). */
const MAX_XML_DEPTH = 32;
/** Most elements in one event. */
const MAX_XML_ELEMENTS = 8192;
/** Most attributes on one element. */
const MAX_XML_ATTRIBUTES = 64;
/** Most data items kept from one event. */
export const MAX_DATA_ITEMS = 1024;

/** The parse of one event: the event, or why it is not one. */
export type XmlEventResult = { ok: true; event: WinEvent } | { ok: false; reason: string };

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes character and entity references in `s` (unknown ones kept as written). */
export function decodeXmlText(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z]{2,4});/g, (all, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref] ?? all;
    const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    // A code point XML does not allow (NUL, surrogates, beyond U+10FFFF) is replaced, not thrown on.
    return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
  });
}

/** The part of a qualified name after its prefix (`e:System` → `System`). */
function localName(q: string): string {
  const c = q.indexOf(':');
  return c < 0 ? q : q.slice(c + 1);
}

function isNameChar(c: number): boolean {
  return c > 0x20 && c !== 0x3e && c !== 0x2f && c !== 0x3d && c !== 0x22 && c !== 0x27 && c !== 0x3c;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** One open element while the event is read. */
interface Open {
  name: string;
  /** The value this element's text goes to (System leaves, Data items, UserData leaves), or null. */
  key: string | null;
  text: string;
  hasChild: boolean;
}

/** Reads one `<Event>…</Event>` element (anything after it is ignored). */
export function parseXmlEvent(s: string): XmlEventResult {
  const ev: WinEvent = { recordId: null, eventId: -1, provider: '', channel: '', computer: '', ts: null, data: {} };
  const system: Record<string, string> = {};
  let dataItems = 0;
  let unnamed = 0;
  const stack: Open[] = [];
  let elements = 0;
  let sawRoot = false;
  const n = s.length;
  let i = 0;
  const fail = (reason: string): XmlEventResult => ({ ok: false, reason });
  const putData = (name: string, value: string) => {
    if (dataItems >= MAX_DATA_ITEMS) return;
    dataItems++;
    if (!(name in ev.data)) ev.data[name] = value;
  };
  while (i < n) {
    const lt = s.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      const top = stack[stack.length - 1];
      if (top !== undefined) {
        if (top.key !== null) top.text += decodeXmlText(s.slice(i, textEnd));
      } else if (!/^\s*$/.test(s.slice(i, textEnd))) return fail('text before the event element');
    }
    if (lt < 0) break;
    i = lt;
    if (s.startsWith('<!--', i)) {
      const e = s.indexOf('-->', i + 4);
      if (e < 0) return fail('unterminated comment');
      i = e + 3;
      continue;
    }
    if (s.startsWith('<![CDATA[', i)) {
      const e = s.indexOf(']]>', i + 9);
      if (e < 0) return fail('unterminated CDATA section');
      const top = stack[stack.length - 1];
      if (top !== undefined && top.key !== null) top.text += s.slice(i + 9, e);
      i = e + 3;
      continue;
    }
    if (s.startsWith('<?', i)) {
      const e = s.indexOf('?>', i + 2);
      if (e < 0) return fail('unterminated processing instruction');
      i = e + 2;
      continue;
    }
    if (s.startsWith('<!', i)) return fail('a DTD or declaration inside an event (not read)');
    if (s.charCodeAt(i + 1) === 0x2f) {
      // An end tag.
      let j = i + 2;
      while (j < n && isNameChar(s.charCodeAt(j))) j++;
      const name = localName(s.slice(i + 2, j));
      while (j < n && isSpace(s.charCodeAt(j))) j++;
      if (s.charCodeAt(j) !== 0x3e) return fail(`bad end tag </${name.slice(0, 40)}`);
      const top = stack.pop();
      if (top === undefined || top.name !== name) return fail(`end tag </${name.slice(0, 40)}> does not close <${(top?.name ?? '').slice(0, 40)}>`);
      close(top);
      i = j + 1;
      if (stack.length === 0) { sawRoot = true; break; }
      continue;
    }
    // A start tag: name, attributes, `>` or `/>`.
    let j = i + 1;
    while (j < n && isNameChar(s.charCodeAt(j))) j++;
    if (j === i + 1) return fail('a `<` that starts no tag');
    const name = localName(s.slice(i + 1, j));
    const attrs: Record<string, string> = {};
    let nAttrs = 0;
    let selfClosing = false;
    for (;;) {
      while (j < n && isSpace(s.charCodeAt(j))) j++;
      if (j >= n) return fail(`unterminated tag <${name.slice(0, 40)}`);
      const c = s.charCodeAt(j);
      if (c === 0x3e) { j++; break; }
      if (c === 0x2f && s.charCodeAt(j + 1) === 0x3e) { selfClosing = true; j += 2; break; }
      const a0 = j;
      while (j < n && isNameChar(s.charCodeAt(j))) j++;
      if (j === a0) return fail(`bad attribute in <${name.slice(0, 40)}>`);
      const an = localName(s.slice(a0, j));
      while (j < n && isSpace(s.charCodeAt(j))) j++;
      if (s.charCodeAt(j) !== 0x3d) return fail(`attribute ${an.slice(0, 40)} without a value`);
      j++;
      while (j < n && isSpace(s.charCodeAt(j))) j++;
      const q = s.charCodeAt(j);
      if (q !== 0x22 && q !== 0x27) return fail(`unquoted attribute ${an.slice(0, 40)}`);
      const e = s.indexOf(q === 0x22 ? '"' : "'", j + 1);
      if (e < 0) return fail(`unterminated attribute ${an.slice(0, 40)}`);
      if (++nAttrs > MAX_XML_ATTRIBUTES) return fail(`more than ${MAX_XML_ATTRIBUTES} attributes on <${name.slice(0, 40)}>`);
      attrs[an] = decodeXmlText(s.slice(j + 1, e));
      j = e + 1;
    }
    i = j;
    if (++elements > MAX_XML_ELEMENTS) return fail(`more than ${MAX_XML_ELEMENTS} elements`);
    if (stack.length >= MAX_XML_DEPTH) return fail(`nested deeper than ${MAX_XML_DEPTH} elements`);
    if (stack.length === 0) {
      if (sawRoot) break;
      if (name !== 'Event') return fail(`<${name.slice(0, 40)}> where <Event> was expected`);
    }
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.hasChild = true;
    const open: Open = { name, key: keyFor(stack, name, attrs), text: '', hasChild: false };
    opened(stack, name, attrs);
    if (selfClosing) {
      close(open);
      if (stack.length === 0) { sawRoot = true; break; }
    } else stack.push(open);
  }
  if (!sawRoot) return fail(stack.length > 0 ? `unterminated <${stack[stack.length - 1]!.name.slice(0, 40)}>` : 'no <Event> element');

  const eventId = parseEventId(system['EventID'] ?? '');
  if (eventId === null) return fail('no EventID');
  ev.eventId = eventId;
  ev.recordId = parseRecordId(system['EventRecordID'] ?? '');
  ev.channel = system['Channel'] ?? '';
  ev.computer = system['Computer'] ?? '';
  return { ok: true, event: ev };

  /** Where the text of a new element goes: a System leaf, a Data item, a UserData element (kept if it turns out a leaf). */
  function keyFor(st: Open[], name: string, attrs: Record<string, string>): string | null {
    const section = st[1]?.name;
    if (st.length === 2 && section === 'System') return `S:${name}`;
    if (st.length === 2 && section === 'EventData' && name === 'Data') {
      const dn = attrs['Name'];
      return dn !== undefined && dn !== '' ? `D:${dn}` : `D:Data${++unnamed}`;
    }
    if (st.length >= 2 && section === 'UserData') return `D:${name}`;
    return null;
  }

  /** Attributes the event keeps (the provider's name, the creation time). */
  function opened(st: Open[], name: string, attrs: Record<string, string>): void {
    if (st.length !== 2 || st[1]!.name !== 'System') return;
    if (name === 'Provider' && attrs['Name'] !== undefined) ev.provider = attrs['Name'];
    else if (name === 'TimeCreated' && attrs['SystemTime'] !== undefined) ev.ts = parseEventTime(attrs['SystemTime']);
  }

  /** Ends an element: its text goes where its key says (a UserData element only when it held no element). */
  function close(o: Open): void {
    if (o.key === null) return;
    if (o.key.startsWith('S:')) system[o.key.slice(2)] = o.text.trim();
    else if (!o.hasChild) putData(o.key.slice(2), o.text);
  }
}
