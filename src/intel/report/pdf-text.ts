/**
 * The text of a PDF, page by page and line by line, read with Mozilla's
 * pdf.js (legacy build, for Node; loaded on first use: it is large, and only
 * PDFs need it). No canvas, no fonts, no `eval`: text only.
 *
 * pdf.js hands back text items (runs drawn by one operator), not lines: a
 * word may be split across items (`evil-dom` + `ain.com`), and a line's items
 * may come with or without the spaces between them. Items are joined into a
 * line while they sit on one baseline; a space goes between two items only
 * where the gap between them is wider than a fifth of the font size. Each
 * line notes whether it reaches the page's right margin (a value cut there
 * may go on at the next line; src/intel/report/read-report.ts decides), and
 * lines repeated near the top or bottom of most pages are marked as the
 * publisher's header and footer.
 */
import { diag, type Diagnostic } from '../../core/diagnostic.js';
import type { ReportLine, ReportText } from './report-types.js';

/** Pages read at most; a longer document is read to here and said to be cut. */
export const MAX_PDF_PAGES = 2000;
/** Characters taken from one page at most (a page of a hundred thousand items is no report's). */
const MAX_PAGE_CHARS = 1_000_000;
/** Lines at the top and at the bottom of a page looked at for headers and footers. */
const EDGE_LINES = 3;

interface TextItem { str: string; transform: number[]; width: number; height: number; hasEOL: boolean }

/** Reads a PDF's text; a PDF that cannot be opened gives a diagnostic and null (a page that cannot be read, a diagnostic and no lines). */
export async function pdfText(data: Buffer, path: string, onDiagnostic: (d: Diagnostic) => void): Promise<ReportText | null> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  // A copy: pdf.js takes the buffer over.
  const task = pdfjs.getDocument({
    data: new Uint8Array(data), disableFontFace: true, useSystemFonts: false, isEvalSupported: false,
    isOffscreenCanvasSupported: false, stopAtErrors: false, verbosity: 0,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (e) {
    await task.destroy().catch(() => undefined);
    const name = e instanceof Error ? e.name : '';
    onDiagnostic(diag(name === 'PasswordException' ? 'unsupported' : 'unreadable', path,
      name === 'PasswordException' ? 'the PDF is encrypted with a password: its text cannot be read' : `not a readable PDF: ${e instanceof Error ? e.message : String(e)}`));
    return null;
  }
  const pages: ReportLine[][] = [];
  try {
    const count = Math.min(doc.numPages, MAX_PDF_PAGES);
    if (doc.numPages > MAX_PDF_PAGES) onDiagnostic(diag('too-large', path, `${doc.numPages} pages: only the first ${MAX_PDF_PAGES} are read`));
    for (let p = 1; p <= count; p++) {
      try {
        const page = await doc.getPage(p);
        const content = await page.getTextContent();
        pages.push(pageLines(content.items.filter((i) => 'str' in i) as TextItem[], p));
        page.cleanup();
      } catch (e) {
        onDiagnostic(diag('bad-record', path, `page ${p}: its text cannot be read: ${e instanceof Error ? e.message : String(e)}`));
        pages.push([]);
      }
    }
  } finally {
    await doc.destroy().catch(() => undefined);
  }
  markBoilerplate(pages);
  return { kind: 'pdf', lines: pages.flat(), publisherHosts: [] };
}

interface Building { text: string; y: number; size: number; x0: number; xEnd: number }

/** One page's items as lines (see the file comment). */
export function pageLines(items: readonly TextItem[], page: number): ReportLine[] {
  const built: Building[] = [];
  let cur: Building | null = null;
  let chars = 0;
  for (const it of items) {
    if (chars > MAX_PAGE_CHARS) break;
    const t = it.transform;
    const x = Number(t[4]) || 0, y = Number(t[5]) || 0;
    const size = Math.hypot(Number(t[2]) || 0, Number(t[3]) || 0) || Number(it.height) || 10;
    const str = typeof it.str === 'string' ? it.str : '';
    if (str !== '') {
      if (cur !== null && Math.abs(y - cur.y) > size * 0.5) cur = null;
      if (cur === null) {
        cur = { text: '', y, size, x0: x, xEnd: x };
        built.push(cur);
      } else if (x - cur.xEnd > size * 0.2 && !cur.text.endsWith(' ') && !str.startsWith(' ')) {
        cur.text += ' ';
      }
      cur.text += str;
      chars += str.length;
      cur.xEnd = Math.max(cur.xEnd, x + (Number(it.width) || 0));
    }
    if (it.hasEOL) cur = null;
  }
  // A line is full when it ends within about two characters of the widest line's right edge.
  let right = -Infinity;
  for (const b of built) if (b.text.trim() !== '') right = Math.max(right, b.xEnd);
  const lines: ReportLine[] = [];
  for (const b of built) {
    if (b.text.trim() === '') continue;
    lines.push({ text: b.text, line: lines.length + 1, page, full: b.xEnd >= right - b.size * 1.2 });
  }
  return lines;
}

/** Marks lines among the first and last few of a page whose text (digits aside: page numbers) recurs on most pages. */
function markBoilerplate(pages: ReportLine[][]): void {
  const withText = pages.filter((p) => p.length > 0).length;
  if (withText < 2) return;
  const key = (l: ReportLine) => l.text.replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
  const edges = (p: ReportLine[]) => (p.length <= 2 * EDGE_LINES ? p : [...p.slice(0, EDGE_LINES), ...p.slice(-EDGE_LINES)]);
  const seen = new Map<string, number>();
  for (const p of pages) for (const k of new Set(edges(p).map(key))) seen.set(k, (seen.get(k) ?? 0) + 1);
  const needed = Math.max(2, Math.ceil(withText / 2));
  for (const p of pages) for (const l of edges(p)) if ((seen.get(key(l)) ?? 0) >= needed) l.boilerplate = true;
}
