/**
 * Turns observations and the index's answers into sightings as a hunt
 * records them, one record at a time: every sighting of a record that
 * carries an implant's host identifier in its URL (`…?hostid=ABC123`) gets
 * that identifier (docs/design.md, "Host identifiers").
 */
import type { Observation, ObservedKind } from '../core/model.js';
import { normalizeDomain, normalizeEmail, normalizeFilename, normalizeIp, normalizeUrl } from '../core/normalize.js';
import type { IndicatorIndex } from '../matching/index.js';
import type { SightingInput } from '../store/store.js';

/** A sighting before the indicator's details are attached: what the store records (it crosses threads as plain data). */
export type RawSighting = SightingInput;

/** Longest host identifier kept (longer values are cut to this many characters). */
export const MAX_HOST_ID_CHARS = 128;

/** The observed value in the normal form it matched in (`WWW.Example.NET.` → `www.example.net`). */
export function matchedText(kind: ObservedKind, value: string): string {
  switch (kind) {
    case 'domain': return normalizeDomain(value) ?? value;
    case 'ip': return normalizeIp(value)?.value ?? value;
    case 'url': return normalizeUrl(value) ?? value;
    case 'hash': case 'imphash': return value.toLowerCase();
    case 'filename': return normalizeFilename(value) ?? value;
    case 'email': return normalizeEmail(value) ?? value;
  }
}

/** Looks an observation up; calls `emit` once per indicator it matches. `ids` is scratch space. */
export function matchObservation(index: IndicatorIndex, o: Observation, ids: number[], emit: (s: RawSighting) => void): void {
  // Matches are rare: reset the scratch array only when the last look-up filled it.
  if (ids.length !== 0) ids.length = 0;
  if (index.match(o.kind, o.value, ids) === 0) return;
  const matched = matchedText(o.kind, o.value);
  for (const id of ids) {
    const s: RawSighting = { indicatorId: id, matched, field: o.field, ts: o.ts, src: o.src, dst: o.dst };
    if (o.line !== undefined) s.line = o.line;
    if (o.packet !== undefined) s.packet = o.packet;
    if (o.inside !== undefined) s.inside = o.inside;
    if (o.record !== undefined) s.record = o.record;
    if (o.process !== undefined) s.process = o.process;
    emit(s);
  }
}

/**
 * The host identifier a URL's query carries: the value of the first of
 * `params` (lower-case names, in order of preference) that the query has
 * with a non-empty value. Names compare case-insensitively; the value is
 * percent-decoded (`+` is a space, as in a form), trimmed and cut to
 * MAX_HOST_ID_CHARS. The fragment is not part of the query. Undefined when
 * there is none.
 */
export function hostIdFromUrl(url: string, params: readonly string[]): string | undefined {
  let i = url.indexOf('?');
  if (i < 0 || params.length === 0) return undefined;
  let end = url.indexOf('#', i);
  if (end < 0) end = url.length;
  let best = params.length;
  let found: string | undefined;
  i++;
  while (i < end && best > 0) {
    let amp = url.indexOf('&', i);
    if (amp < 0 || amp > end) amp = end;
    let eq = url.indexOf('=', i);
    if (eq < 0 || eq > amp) eq = amp;
    const rank = paramRank(url, i, eq, params, best);
    if (rank >= 0) {
      const v = decodeQueryValue(url, eq < amp ? eq + 1 : amp, amp);
      if (v !== '') {
        best = rank;
        found = v;
      }
    }
    i = amp + 1;
  }
  return found;
}

/** The position in `params` (below `below`) of the name `url[s, e)`, case-insensitive; -1 when it is none of them. */
function paramRank(url: string, s: number, e: number, params: readonly string[], below: number): number {
  const len = e - s;
  for (let k = 0; k < below; k++) {
    const p = params[k]!;
    if (p.length === len && (url.startsWith(p, s) || url.slice(s, e).toLowerCase() === p)) return k;
  }
  // A percent-encoded name (`host%69d`) is decoded before it is compared.
  if (url.indexOf('%', s) >= 0 && url.indexOf('%', s) < e) {
    const name = decodeQueryValue(url, s, e).toLowerCase();
    for (let k = 0; k < below; k++) if (params[k] === name) return k;
  }
  return -1;
}

/** `url[s, e)` percent-decoded as UTF-8 (invalid sequences kept as written, bad bytes as U+FFFD), `+` as a space, trimmed, capped. */
function decodeQueryValue(url: string, s: number, e: number): string {
  let raw = url.slice(s, e);
  if (raw.indexOf('+') >= 0) raw = raw.replaceAll('+', ' ');
  if (raw.indexOf('%') >= 0) raw = percentDecode(raw);
  let v = raw.trim();
  if (v.length > MAX_HOST_ID_CHARS) {
    v = v.slice(0, MAX_HOST_ID_CHARS);
    // Do not leave half of a surrogate pair at the cut.
    const last = v.charCodeAt(v.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) v = v.slice(0, -1);
    v = v.trimEnd();
  }
  return v;
}

/** WHATWG percent-decoding: `%XX` becomes the byte, anything else its UTF-8 bytes; the bytes read as UTF-8. Never throws. */
function percentDecode(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && i + 2 < s.length && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // Characters outside ASCII (rare in a URL as logged): their UTF-8 bytes, a surrogate pair taken whole.
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) i++;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/**
 * Matches one source's observations, record by record. A record is the
 * observations of one line (text logs) or one packet (captures); readers
 * give a record's `http.host` before its `http.url`, so the sightings of
 * the current record are held until the record ends (an observation of
 * another line or packet arrives, or `end()` is called: by a text log's
 * hunter before each line, and by every source when its input ends), and
 * then handed to `emit` with the host identifier the record's URL carried.
 * At most one record's sightings are held.
 *
 * The cost on the hot path is one comparison of line and packet per
 * observation; only an `http.url` observation with a `?` is remembered, and
 * its query parsed only when its record has a sighting. With no parameter
 * names (a scanned file has no URL), sightings are handed on at once.
 */
export class RecordMatcher {
  private readonly held: RawSighting[] = [];
  private readonly ids: number[] = [];
  /** URLs with a query seen in the current record (almost always none or one). */
  private urls: string[] = [];
  private line: number | undefined = undefined;
  private packet: number | undefined = undefined;
  private readonly take: (s: RawSighting) => void;

  constructor(
    private readonly index: IndicatorIndex,
    /** Lower-case query parameter names that carry a host identifier, in order of preference (Store.hostIdParams()). */
    private readonly hostIdParams: readonly string[],
    private readonly emit: (s: RawSighting) => void,
  ) {
    this.take = hostIdParams.length === 0 ? emit : (s) => { this.held.push(s); };
  }

  /** Matches one observation (of the current record, or the first of the next one). */
  observe(o: Observation): void {
    if (o.line !== this.line || o.packet !== this.packet) {
      if (this.held.length !== 0 || this.urls.length !== 0) this.end();
      this.line = o.line;
      this.packet = o.packet;
    }
    if (o.field === 'http.url' && o.value.indexOf('?') >= 0 && this.hostIdParams.length !== 0) this.urls.push(o.value);
    matchObservation(this.index, o, this.ids, this.take);
  }

  /** Ends the current record: its held sightings go to `emit`, with its host identifier. Call it when the input ends. Cheap when nothing is held. */
  end(): void {
    const held = this.held;
    if (held.length !== 0) {
      let hostId: string | undefined;
      for (const u of this.urls) {
        hostId = hostIdFromUrl(u, this.hostIdParams);
        if (hostId !== undefined) break;
      }
      for (const s of held) {
        if (hostId !== undefined) s.hostId = hostId;
        this.emit(s);
      }
      held.length = 0;
    }
    if (this.urls.length !== 0) this.urls = [];
  }
}
