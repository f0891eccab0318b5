/**
 * Windows event logs exported as text: JSON lines (Winlogbeat/ECS, NXLog,
 * OTRF; json-event.ts) and XML (`wevtutil qe /f:xml`, `evtx_dump.py`;
 * xml-event.ts), read into WinEvents and mapped by observe.ts. A sighting's
 * `line` is the event's line (an XML event's first line, `<Event`), its
 * `record` the EventRecordID when the export kept it.
 */
import { quoteForDiagnostic } from '../../core/diagnostic.js';
import { BaseLineReader, describeJsonError, type ObservationSink } from '../line-reader.js';
import { jsonToWinEvent } from './json-event.js';
import { newWinEventStats, observeWinEvent, type WinEventStats } from './observe.js';
import { parseXmlEvent } from './xml-event.js';

/** Evidence format of Windows events as JSON lines. */
export const WINEVENT_JSON_FORMAT = 'winevent-json';
/** Evidence format of Windows events as XML. */
export const WINEVENT_XML_FORMAT = 'winevent-xml';
/** Longest XML event read (UTF-8 bytes from `<Event` to `</Event>`); a longer one is skipped and reported. */
export const MAX_XML_EVENT_BYTES = 4 * 1024 * 1024;

/** Reads Windows events, one JSON object per line. */
export class WinEventJsonReader extends BaseLineReader {
  /** Events by kind, and those no mapping reads. */
  readonly stats: WinEventStats = newWinEventStats();

  constructor(path: string) {
    super(path, WINEVENT_JSON_FORMAT);
  }

  protected readRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void {
    let s = 0;
    if (lineNo === 1 && end >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) s = 3; // a UTF-8 byte-order mark
    while (s < end && (line[s] === 0x20 || line[s] === 0x09)) s++;
    if (s === end) return;
    let o: unknown;
    try {
      o = JSON.parse(line.toString('utf8', s, end));
    } catch (e) {
      this.reject(sink, lineNo, describeJsonError(e));
      return;
    }
    const ev = jsonToWinEvent(o);
    if (ev === null) {
      this.reject(sink, lineNo, 'not a Windows event (no EventID with a provider, channel or host)');
      return;
    }
    this.records++;
    if (ev.ts === null) this.reportNoTimestamp(sink, lineNo, null);
    observeWinEvent(ev, { path: this.path, line: lineNo }, sink, this.stats);
  }
}

/** `<Event` followed by a space, `>` or `/` (not `<Events>`, `<EventData>`). */
const EVENT_START_RE = /<(?:[A-Za-z_][\w.-]*:)?Event(?=[\s>/])/;
const EVENT_END_RE = /<\/(?:[A-Za-z_][\w.-]*:)?Event\s*>/;
/** What may stand outside events: the XML declaration, the `<Events>` wrapper, comments, blanks. */
const OUTSIDE_RE = /^(?:\s+|<\?xml[^>]*\?>|<\/?(?:[A-Za-z_][\w.-]*:)?Events(?:\s[^>]*)?>|<!--.*?-->)*$/;

/**
 * Reads Windows events as XML, one or more per line or one over many lines:
 * the text from `<Event` to `</Event>` is gathered (at most
 * MAX_XML_EVENT_BYTES), then parsed. Its state spans lines, so a file is read
 * front to back by one reader (detect.ts: MULTI_LINE_FORMATS).
 */
export class WinEventXmlReader extends BaseLineReader {
  readonly stats: WinEventStats = newWinEventStats();
  /** The event being gathered: its first line and text so far (null: between events). */
  private pending: { line: number; parts: string[]; bytes: number; over: boolean } | null = null;

  constructor(path: string) {
    super(path, WINEVENT_XML_FORMAT);
  }

  protected readRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void {
    let text = line.toString('utf8', 0, end);
    if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    while (text.length > 0) {
      if (this.pending === null) {
        const m = EVENT_START_RE.exec(text);
        const before = m === null ? text : text.slice(0, m.index);
        if (!OUTSIDE_RE.test(before)) {
          this.reject(sink, lineNo, `text outside an event: "${quoteForDiagnostic(before.trim(), 60)}"`);
        }
        if (m === null) return;
        this.pending = { line: lineNo, parts: [], bytes: 0, over: false };
        text = text.slice(m.index);
      }
      const p = this.pending;
      const close = EVENT_END_RE.exec(text);
      const part = close === null ? text : text.slice(0, close.index + close[0].length);
      p.bytes += Buffer.byteLength(part) + 1;
      if (p.bytes > MAX_XML_EVENT_BYTES) p.over = true;
      else p.parts.push(part);
      if (close === null) return;
      this.pending = null;
      this.finishEvent(p, sink);
      text = text.slice(close.index + close[0].length);
    }
  }

  private finishEvent(p: { line: number; parts: string[]; over: boolean }, sink: ObservationSink): void {
    if (p.over) {
      this.reject(sink, p.line, `event longer than ${MAX_XML_EVENT_BYTES} bytes; not read`);
      return;
    }
    const r = parseXmlEvent(p.parts.join('\n'));
    if (!r.ok) {
      this.reject(sink, p.line, `bad event XML: ${quoteForDiagnostic(r.reason, 120)}`);
      return;
    }
    this.records++;
    if (r.event.ts === null) this.reportNoTimestamp(sink, p.line, null);
    observeWinEvent(r.event, { path: this.path, line: p.line }, sink, this.stats);
  }

  /** Ends the input: an event left open is reported (the file was cut short). */
  end(sink: ObservationSink): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    this.reject(sink, p.line, 'event cut short at the end of the file (no </Event>)');
  }
}
