/**
 * Builds report PDFs for tests with pdf-lib: pages of lines at known
 * places, a header and a footer on every page, lines drawn as several text
 * items side by side (a word split across items), and justified lines whose
 * last word ends at the right margin (where a value may be cut and go on at
 * the next line).
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** One line: plain text, several items drawn side by side with no gap, or words justified to the right margin. */
export type PdfLineSpec = string | { items: string[] } | { justify: string[] };

export interface PdfPageSpec {
  header?: string;
  /** `{page}` is replaced by the page number. */
  footer?: string;
  lines: PdfLineSpec[];
}

export const PDF_LEFT = 56;
export const PDF_RIGHT = 540;
const SIZE = 10;
const LEADING = 14;

export async function buildReportPdf(pages: readonly PdfPageSpec[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const width = (s: string) => font.widthOfTextAtSize(s, SIZE);
  for (const [n, spec] of pages.entries()) {
    const page = doc.addPage([595, 842]);
    const draw = (text: string, x: number, y: number) => page.drawText(text, { x, y, size: SIZE, font });
    if (spec.header !== undefined) draw(spec.header, PDF_LEFT, 800);
    let y = 760;
    for (const line of spec.lines) {
      if (typeof line === 'string') draw(line, PDF_LEFT, y);
      else if ('items' in line) {
        let x = PDF_LEFT;
        for (const it of line.items) { draw(it, x, y); x += width(it); }
      } else {
        const words = line.justify;
        const total = words.reduce((s, w) => s + width(w), 0);
        const gap = words.length > 1 ? (PDF_RIGHT - PDF_LEFT - total) / (words.length - 1) : 0;
        if (gap < width(' ')) throw new Error(`justified line too long: ${words.join(' ')}`);
        let x = PDF_LEFT;
        for (const w of words) { draw(w, x, y); x += width(w) + gap; }
      }
      y -= LEADING;
    }
    if (spec.footer !== undefined) draw(spec.footer.replace('{page}', String(n + 1)), PDF_LEFT, 40);
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
