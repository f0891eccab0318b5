/** The shapes the report reader's stages hand each other, and what it gives the importer. */
import type { IndicatorType } from '../../core/model.js';

/** Where a report came from, as read: a PDF's text, an HTML page's text, or plain text. */
export type ReportKind = 'pdf' | 'html' | 'text';

/** One line of a report's text. */
export interface ReportLine {
  text: string;
  /** 1-based: the source line (text, HTML) or the line on its page (PDF). */
  line: number;
  /** 1-based page (PDF only). */
  page?: number;
  /** PDF: the line runs to the page's right margin, so a value may go on at the start of the next line. */
  full?: boolean;
  /** PDF: a header or footer line repeated on most pages (the publisher's). */
  boilerplate?: boolean;
}

/** A report's text and what it says about its publisher. */
export interface ReportText {
  kind: ReportKind;
  lines: ReportLine[];
  /** Hosts the document names as its own (HTML: canonical link, og:url, the most linked host; PDF: header and footer lines). */
  publisherHosts: string[];
}

/** A value found in a report, where it was first found, and as what text. */
export interface ReportFinding {
  type: IndicatorType;
  value: string;
  page?: number;
  line: number;
  /** The text as written (defanged, a line break as `\n` where a value went on at the next line). */
  text: string;
  /** Times the value was found (the first is the one shown). */
  count: number;
}

/** A value left out, and why. */
export interface ReportDrop extends ReportFinding {
  reason: string;
  /** The warninglist that names it, when that is the reason. */
  warninglist?: string;
}

/** What one report gave. */
export interface ReportReading {
  kind: ReportKind;
  /** The publisher's registrable domains (found in the document and given with --publisher). */
  publishers: string[];
  found: ReportFinding[];
  dropped: ReportDrop[];
}
