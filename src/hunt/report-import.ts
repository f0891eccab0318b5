/**
 * Reports (`intel import --format report`): a PDF, HTML page or text file
 * read whole (up to MAX_REPORT_BYTES), its values found by intel/report, and
 * the ones on a shipped warninglist dropped — not flagged and imported, as
 * values of other formats are: a report's prose names google.com and
 * 8.8.8.8 in passing, and the analyst reviewing `--dry-run` is shown which
 * list named each. `previewReports` is `--dry-run`: it reads, never writes.
 */
import { quoteForDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { readReport, type IntelSink, type ReportReadOptions, type ReportReading } from '../intel/index.js';
import type { WarninglistIndex } from '../matching/index.js';
import { readRegularFileSync, walkPaths } from '../samples/index.js';

/** Largest report read (a vendor's PDF is a few MiB; its text far less). */
export const MAX_REPORT_BYTES = 64 * 1024 * 1024;

/** One report's reading, with its path. */
export interface ReportPreview extends ReportReading {
  path: string;
}

export interface ReportPreviewOptions extends ReportReadOptions {
  /** Warninglists to drop with (the shipped ones: intel-import.ts's loadWarninglists()). */
  warninglists: WarninglistIndex;
  onDiagnostic(d: Diagnostic): void;
}

/** Moves the found values a warninglist names to the dropped ones, naming the list. */
export function dropWarninglisted(r: ReportReading, lists: WarninglistIndex): void {
  const kept = [];
  for (const f of r.found) {
    const wl = lists.check(f.type, f.value);
    if (wl === null) kept.push(f);
    else r.dropped.push({ ...f, reason: `on warninglist ${wl}`, warninglist: wl });
  }
  r.found = kept;
  r.dropped.sort((a, b) => (a.page ?? 0) - (b.page ?? 0) || a.line - b.line);
}

/** Reads one report file and applies the warninglists; null when it could not be read (said through onDiagnostic): an unreadable report adds nothing. */
export async function readReportFile(path: string, lists: WarninglistIndex, opts: ReportReadOptions, onDiagnostic: (d: Diagnostic) => void): Promise<ReportReading | null> {
  const file = readRegularFileSync(path, { maxFileSize: MAX_REPORT_BYTES, onDiagnostic });
  if (file === null) return null;
  const r = await readReport(file.data, path, opts, onDiagnostic);
  if (r !== null) dropWarninglisted(r, lists);
  return r;
}

/** Hands a reading's found values to an import's sink, each described by where and as what it was found. */
export function reportItems(r: ReportReading, sink: IntelSink): void {
  for (const f of r.found) {
    const where = f.page !== undefined ? `page ${f.page}, line ${f.line}` : `line ${f.line}`;
    sink.item({ type: f.type, value: f.value, campaigns: [], description: `${where}: found as "${quoteForDiagnostic(f.text.replace(/\n/g, ' '), 200)}"`, line: f.line });
  }
}

/** `--dry-run`: what each report would give, and what it would leave out and why. Writes nothing. */
export async function previewReports(paths: readonly string[], opts: ReportPreviewOptions): Promise<ReportPreview[]> {
  const out: ReportPreview[] = [];
  for await (const f of walkPaths(paths, { onDiagnostic: opts.onDiagnostic })) {
    const r = await readReportFile(f.path, opts.warninglists, opts, opts.onDiagnostic);
    if (r !== null) out.push({ path: f.path, ...r });
  }
  return out;
}
