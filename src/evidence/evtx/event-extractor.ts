/**
 * A visitor that collects one record's WinEvent fields while its Binary XML
 * is walked: System's EventID, EventRecordID, Provider/@Name, Channel,
 * Computer and TimeCreated/@SystemTime; EventData's items by @Name (or
 * `Data1`, `Data2`… when unnamed, the element name for other elements such
 * as `Binary`); UserData's leaf elements by element name. Only the values it
 * keeps are rendered to text.
 */
import type { XmlVisitor } from './binxml.js';
import { VT, filetimeToMs, renderScalar } from './values.js';

const T_FILETIME = VT.FILETIME;

const S_NONE = 0, S_SYSTEM = 1, S_EVENTDATA = 2, S_USERDATA = 3;
const F_NONE = 0, F_EVENTID = 1, F_RECORDID = 2, F_CHANNEL = 3, F_COMPUTER = 4, F_PROVIDER = 5, F_TIME = 6, F_DATA = 7, F_DATANAME = 8;

/** Deepest UserData element tracked (deeper ones add their text to the leaf at this depth). */
const MAX_TRACKED_DEPTH = 64;

export class EventExtractor implements XmlVisitor {
  eventId = '';
  recordId = '';
  provider = '';
  channel = '';
  computer = '';
  ts: number | null = null;
  /** A TimeCreated/@SystemTime was there (even if not understood). */
  hasTime = false;
  data: Record<string, string> = {};

  private depth = 0;
  private section = S_NONE;
  /** The System field whose element content is being collected. */
  private field = F_NONE;
  /** The attribute being collected (F_PROVIDER, F_TIME, F_DATANAME) or F_NONE. */
  private attrField = F_NONE;
  /** Inside an attribute's value (kept or not: its text is never element content). */
  private inAttr = false;
  private attrText = '';
  private chars = '';
  private dataName: string | null = null;
  private unnamed = 0;
  /** UserData: per depth, whether the element has child elements, and its element name. */
  private readonly hasChild: boolean[] = [];
  private readonly names: string[] = [];

  /** Ready for the next record. */
  reset(): void {
    this.eventId = this.recordId = this.provider = this.channel = this.computer = '';
    this.hasTime = false;
    this.ts = null;
    this.data = {};
    this.depth = 0;
    this.section = S_NONE;
    this.field = this.attrField = F_NONE;
    this.inAttr = false;
    this.unnamed = 0;
  }

  open(name: string): void {
    const d = ++this.depth;
    if (d === 2) {
      this.section = name === 'System' ? S_SYSTEM : name === 'EventData' ? S_EVENTDATA : name === 'UserData' ? S_USERDATA : S_NONE;
      this.field = F_NONE;
      return;
    }
    if (d < 3) return;
    switch (this.section) {
      case S_SYSTEM:
        if (d === 3) {
          this.field = name === 'EventID' ? F_EVENTID : name === 'EventRecordID' ? F_RECORDID : name === 'Channel' ? F_CHANNEL
            : name === 'Computer' ? F_COMPUTER : name === 'Provider' ? F_PROVIDER : name === 'TimeCreated' ? F_TIME : F_NONE;
          this.chars = '';
        }
        break;
      case S_EVENTDATA:
        if (d === 3) {
          this.field = F_DATA;
          this.dataName = name === 'Data' ? null : name;
          this.chars = '';
        }
        break;
      case S_USERDATA:
        if (d <= MAX_TRACKED_DEPTH) {
          this.hasChild[d - 1] = true;
          this.hasChild[d] = false;
          this.names[d] = name;
          if (d >= 4) { this.field = F_DATA; this.chars = ''; }
        }
        break;
    }
  }

  attr(name: string): void {
    const d = this.depth;
    this.attrField = F_NONE;
    this.inAttr = true;
    if (d !== 3) return;
    if (this.section === S_SYSTEM) {
      if ((this.field === F_PROVIDER && name === 'Name') || (this.field === F_TIME && name === 'SystemTime')) this.attrField = this.field;
    } else if (this.section === S_EVENTDATA && name === 'Name') this.attrField = F_DATANAME;
    this.attrText = '';
  }

  attrEnd(): void {
    switch (this.attrField) {
      case F_PROVIDER: this.provider = this.attrText; break;
      case F_TIME:
        if (!this.hasTime && this.attrText) {
          // A SystemTime given as text (not a FILETIME value).
          const ms = Date.parse(this.attrText);
          if (!Number.isNaN(ms)) this.ts = ms;
          this.hasTime = true;
        }
        break;
      case F_DATANAME: this.dataName = this.attrText; break;
    }
    this.attrField = F_NONE;
    this.inAttr = false;
  }

  text(s: string): void {
    if (this.inAttr) { if (this.attrField !== F_NONE) this.attrText += s; }
    else if (this.field !== F_NONE) this.chars += s;
  }

  value(b: Buffer, type: number, off: number, size: number): void {
    if (this.attrField === F_TIME && type === T_FILETIME && size >= 8) {
      this.ts = filetimeToMs(b, off);
      this.hasTime = true;
      return;
    }
    if (this.inAttr) { if (this.attrField !== F_NONE) this.attrText += renderScalar(b, type, off, size); }
    else if (this.field !== F_NONE && this.field !== F_PROVIDER && this.field !== F_TIME) this.chars += renderScalar(b, type, off, size);
  }

  close(): void {
    const d = this.depth--;
    if (d === 3 && this.section === S_SYSTEM) {
      switch (this.field) {
        case F_EVENTID: this.eventId = this.chars; break;
        case F_RECORDID: this.recordId = this.chars; break;
        case F_CHANNEL: this.channel = this.chars; break;
        case F_COMPUTER: this.computer = this.chars; break;
      }
      this.field = F_NONE;
    } else if (d === 3 && this.section === S_EVENTDATA) {
      this.put(this.dataName ?? `Data${++this.unnamed}`, this.chars);
      this.field = F_NONE;
    } else if (this.section === S_USERDATA && d >= 4 && d <= MAX_TRACKED_DEPTH) {
      if (!this.hasChild[d]) this.put(this.names[d]!, this.chars);
      this.chars = '';
    }
  }

  /** A name seen twice (array values, repeated UserData leaves) keeps every value, one per line. */
  private put(name: string, value: string): void {
    const prev = Object.hasOwn(this.data, name) ? this.data[name] : undefined;
    const v = prev === undefined ? value : `${prev}\n${value}`;
    // `__proto__` from hostile input is kept as a plain key, never as the prototype.
    if (name === '__proto__') Object.defineProperty(this.data, name, { value: v, enumerable: true, writable: true, configurable: true });
    else this.data[name] = v;
  }
}
