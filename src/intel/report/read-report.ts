/**
 * Indicators in a published report (`intel import --format report`): the
 * text of a PDF, an HTML page or plain text, refanged, scanned for values,
 * and each value either found (with where, and as what text) or dropped
 * (with why). Warninglists are applied by the importer, which loads them.
 *
 * A PDF line that runs to the right margin may cut a value that goes on at
 * the next line (typesetters break long URLs and digests anywhere, and after
 * a hyphen). Such a line's last word and the next line's first are joined
 * when the break is one a value makes: after a hyphen, a dot, a slash or a
 * defanged separator; inside a run of hex digits that only joined makes a
 * digest's length; inside a URL whose rest holds a path. A value made by a
 * join replaces the pieces found on either line. At a hyphen, the joined
 * word keeps it (word processors break after a hyphen the name holds) unless
 * only the word without it is found elsewhere in the document (a
 * typesetter's hyphenation).
 */
import { diag, type Diagnostic } from '../../core/diagnostic.js';
import type { IndicatorType } from '../../core/model.js';
import { reportHint } from '../detect.js';
import { findCandidates, isTopLevelDomain, type Candidate } from './extract.js';
import { guardReason, PublisherDomains } from './guard.js';
import { htmlText } from './html-text.js';
import { pdfText } from './pdf-text.js';
import { refangText } from './refang-text.js';
import type { ReportDrop, ReportFinding, ReportKind, ReportLine, ReportReading, ReportText } from './report-types.js';

/** Characters of one line scanned at a time; a longer line (minified text) is scanned in pieces cut at white space. */
export const MAX_LINE_CHARS = 64 * 1024;
/** Distinct values kept from one report (found and dropped alike); the rest are said to be cut. */
export const MAX_REPORT_VALUES = 100_000;
/** Digest lengths in hex digits. */
const DIGEST_LENGTHS = new Set([32, 40, 64]);

export interface ReportReadOptions {
  /** Domains of the publisher, beside those the document names (`--publisher`). */
  publishers?: readonly string[];
}

/** Tells a report's kind by content (detect.ts's reportHint: `%PDF-`, HTML markup at the start), else text; `.html`/`.htm` names break ties. */
export function reportKind(data: Buffer, path: string): ReportKind {
  const hint = reportHint(data.subarray(0, 4096));
  if (hint === 'a PDF') return 'pdf';
  if (hint !== null || (/\.x?html?$/i.test(path) && decodeText(data.subarray(0, 4096)).trimStart().startsWith('<'))) return 'html';
  return 'text';
}

/**
 * Reads one report: its text by kind (pdf.js and parse5 loaded only for
 * their kinds), then its values. Null when it cannot be read at all (a PDF
 * pdf.js cannot open; said through onDiagnostic).
 */
export async function readReport(data: Buffer, path: string, opts: ReportReadOptions, onDiagnostic: (d: Diagnostic) => void): Promise<ReportReading | null> {
  const kind = reportKind(data, path);
  let text: ReportText | null;
  if (kind === 'pdf') text = await pdfText(data, path, onDiagnostic);
  else if (kind === 'html') text = await htmlText(decodeText(data));
  else text = { kind, lines: decodeText(data).split(/\r\n|\r|\n/).map((t, i) => ({ text: t, line: i + 1 })), publisherHosts: [] };
  if (text === null) return null;
  if (kind === 'pdf' && text.lines.length === 0) {
    onDiagnostic(diag('unsupported', path, 'no text in this PDF (pages of scanned images need OCR, which Sightline does not do)'));
  }
  return scanReport(text, opts, (reason) => onDiagnostic(diag('too-large', path, reason)));
}

/** UTF-8, or UTF-16 when a byte-order mark says so; a BOM is dropped. */
function decodeText(b: Buffer): string {
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    const le = Buffer.from(b.subarray(2, 2 + ((b.length - 2) & ~1)));
    return le.swap16().toString('utf16le');
  }
  const s = b.toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/** A candidate placed on its line: `from`/`to` are offsets in the line's text as written. */
interface Placed extends Candidate { li: number; from: number; to: number; text: string }

/** Scans a report's lines (pure; never throws on any text). */
export function scanReport(src: ReportText, opts: ReportReadOptions = {}, onCut: (reason: string) => void = () => undefined): ReportReading {
  const lines = splitLongLines(src.lines.map((l) => ({ ...l, text: cleanText(l.text) })));
  const publishers = new PublisherDomains();
  for (const p of opts.publishers ?? []) publishers.add(p);
  for (const h of src.publisherHosts) publishers.add(h);

  const perLine: Placed[][] = lines.map((l, li) => scanText(l.text).map((c) => ({ ...c, li, text: l.text.slice(c.from, c.to) })));
  // Header and footer lines name the publisher: their hosts are the publisher's.
  for (const [li, cs] of perLine.entries()) {
    if (!lines[li]!.boilerplate) continue;
    for (const c of cs) {
      if (c.type === 'domain') publishers.add(c.value);
      else if (c.type === 'email') publishers.add(c.value.slice(c.value.lastIndexOf('@') + 1));
    }
  }
  const elsewhere = new Set(perLine.flat().map((c) => c.value));
  const joined: Placed[] = [];
  for (let li = 0; li + 1 < lines.length; li++) {
    const a = lines[li]!, b = lines[li + 1]!;
    if (!a.full || a.page !== b.page || a.boilerplate || b.boilerplate) continue;
    const j = joinLines(a.text, b.text, elsewhere);
    if (j === null) continue;
    // The pieces of the joined values found on either line alone are superseded.
    perLine[li] = perLine[li]!.filter((c) => c.to <= j.tailStart);
    perLine[li + 1] = perLine[li + 1]!.filter((c) => c.from >= j.headEnd);
    for (const c of j.candidates) joined.push({ ...c, li });
  }

  const found = new Map<string, ReportFinding>();
  const dropped = new Map<string, ReportDrop>();
  let cut = false;
  const keep = <T extends ReportFinding>(m: Map<string, T>, key: string, make: () => T) => {
    const seen = m.get(key);
    if (seen !== undefined) { seen.count++; return; }
    if (found.size + dropped.size >= MAX_REPORT_VALUES) { cut = true; return; }
    m.set(key, make());
  };
  const all = [...perLine.flat(), ...joined].sort((x, y) => x.li - y.li || x.from - y.from);
  for (const c of all) {
    const l = lines[c.li]!;
    const where = { line: l.line, ...(l.page !== undefined ? { page: l.page } : {}) };
    const base = { type: c.type as IndicatorType, value: c.value, ...where, text: c.text, count: 1 };
    const reason = l.boilerplate ? "the page's header or footer (the publisher's)" : c.drop ?? guardReason(c.type, c.value, publishers);
    if (reason !== null) keep(dropped, `${c.type}\0${c.value}\0${reason}`, () => ({ ...base, reason }));
    else keep(found, `${c.type}\0${c.value}`, () => base);
  }
  if (cut) onCut(`more than ${MAX_REPORT_VALUES} distinct values: the rest are not listed`);
  return { kind: src.kind, publishers: publishers.list(), found: [...found.values()], dropped: [...dropped.values()] };
}

/** Spaces as spaces; characters that hide inside words (zero-width, soft hyphen, BOM) removed. */
function cleanText(s: string): string {
  return s.replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, ' ').replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, '');
}

function splitLongLines(lines: ReportLine[]): ReportLine[] {
  if (lines.every((l) => l.text.length <= MAX_LINE_CHARS)) return lines;
  const out: ReportLine[] = [];
  for (const l of lines) {
    let t = l.text;
    while (t.length > MAX_LINE_CHARS) {
      let cutAt = t.lastIndexOf(' ', MAX_LINE_CHARS);
      if (cutAt < MAX_LINE_CHARS / 2) cutAt = MAX_LINE_CHARS;
      out.push({ ...l, text: t.slice(0, cutAt), full: false });
      t = t.slice(cutAt);
    }
    out.push({ ...l, text: t });
  }
  return out;
}

/** Refangs and scans one piece of text; spans are given in the text as written. */
function scanText(text: string): Array<Candidate & { from: number; to: number }> {
  const r = refangText(text, isTopLevelDomain);
  const changed = (s: number, e: number) => {
    for (let k = s; k < e; k++) if (r.to[k]! - r.from[k]! !== 1) return true;
    return false;
  };
  return findCandidates(r.text, changed).map((c) => ({ ...c, from: r.from[c.start]!, to: c.end > c.start ? r.to[c.end - 1]! : r.from[c.start]! }));
}

/** A join of a full line's last word with the next line's first (see the file comment), or null. */
function joinLines(a: string, b: string, elsewhere: ReadonlySet<string>): { tailStart: number; headEnd: number; candidates: Array<Candidate & { from: number; to: number; text: string }> } | null {
  const aEnd = a.trimEnd().length;
  let tailStart = aEnd;
  while (tailStart > 0 && !/\s/.test(a[tailStart - 1]!)) tailStart--;
  const bStart = b.length - b.trimStart().length;
  let headEnd = bStart;
  while (headEnd < b.length && !/\s/.test(b[headEnd]!)) headEnd++;
  const tail = a.slice(tailStart, aEnd), head = b.slice(bStart, headEnd);
  if (tail === '' || head === '') return null;
  const tries: string[] = [];
  if (/[A-Za-z0-9]-$/.test(tail)) tries.push(tail, tail.slice(0, -1));
  else if (/(?:[./_=?&:@%]|[[({](?:\.|dot|@|at|:)[\])}])$/i.test(tail) && /^[a-z0-9[({/]/.test(head)) tries.push(tail);
  else if (/^[[({](?:\.|dot|@|at)[\])}]/i.test(head)) tries.push(tail);
  else if (hexSplit(tail, head)) tries.push(tail);
  else if (/:\/\//.test(tail) && (/[/?=&#]/.test(head) || /^[\w-]+\.[a-z0-9]{2,4}[.,;]?$/i.test(head))) tries.push(tail);
  if (tries.length === 0) return null;
  let best: Array<Candidate & { from: number; to: number; text: string }> = [];
  for (const [k, t] of tries.entries()) {
    const cs = crossing(t, head, tail, a, b, tailStart, bStart);
    // The hyphen-less word wins only when the document names exactly that value elsewhere.
    if (k === 0 || (cs.length > 0 && cs.every((c) => elsewhere.has(c.value)) && !best.every((c) => elsewhere.has(c.value)))) best = cs;
  }
  return best.length === 0 ? null : { tailStart, headEnd, candidates: best };
}

/** A run of hex digits cut in two that joined makes a digest's length (and neither piece is one). */
function hexSplit(tail: string, head: string): boolean {
  const t = /[0-9A-Fa-f]+$/.exec(tail)?.[0].length ?? 0;
  const h = /^[0-9A-Fa-f]+/.exec(head)?.[0].length ?? 0;
  return t > 0 && h > 0 && !DIGEST_LENGTHS.has(t) && !DIGEST_LENGTHS.has(h) && DIGEST_LENGTHS.has(t + h);
}

/** The values in `t + head` that cross the line break, placed at the line break's first line, with their text as written. */
function crossing(t: string, head: string, tail: string, a: string, b: string, tailStart: number, bStart: number): Array<Candidate & { from: number; to: number; text: string }> {
  const joined = t + head;
  const out: Array<Candidate & { from: number; to: number; text: string }> = [];
  for (const c of scanText(joined)) {
    if (c.from >= t.length || c.to <= t.length) continue;
    const fromA = tailStart + c.from;
    const toB = bStart + (c.to - t.length);
    // As written: the first line's piece (with its hyphen, if the join dropped it), a line break, the second's.
    const first = a.slice(fromA, tailStart + tail.length);
    out.push({ ...c, from: fromA, to: a.length, text: `${first}\n${b.slice(bStart, toB)}` });
  }
  return out;
}
