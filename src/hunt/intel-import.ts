/**
 * `sightline intel import`: reads intel files (STIX, MISP, IOC lists, YARA, reports' text: report-import.ts),
 * flags warninglisted values, and merges each file's indicators into the case
 * all or nothing (one store transaction and import generation per file). IOC
 * lists are read in chunks, so memory does not grow with the list. The
 * readers are pure (src/intel); this module does the I/O.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { CampaignInfo, IntelItem } from '../core/model.js';
import { diag, quoteForDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { detectIntelFormat, readIntel, streamIntel, canStreamIntel, INTEL_FORMATS, reportHint, type IntelFormat, type IntelSink, type ReportReading } from '../intel/index.js';
import type { WarninglistIndex } from '../matching/index.js';
import type { ImportCounts, IndicatorInput, Store } from '../store/store.js';
import { walkPaths } from '../samples/index.js';
import { NO_PROGRESS, type ProgressListener } from './events.js';
import { readFileHead } from './file-head.js';
import { readReportFile, reportItems } from './report-import.js';
import { planMispFeeds } from './misp-feed-plan.js';
import { IntelReadThread } from './intel-read-thread.js';
import { readChunks } from './read-chunks.js';
import type { CheckedIntelSink } from './intel-pages.js';
import { defaultWarninglistDir, loadWarninglists } from './warninglists.js';

export { defaultWarninglistDir, loadWarninglists };

/** Bytes read to detect a file's format. */
const DETECT_HEAD_BYTES = 64 * 1024;
/** Warninglist warnings printed per file before they are summarised. */
const MAX_WARNINGLIST_NOTES = 20;
/**
 * Indicator rows handed to the store's writer at a time. Small, so that a
 * batch's objects die young in V8's young generation rather than being
 * promoted and collected later: measured on a 1M-line list (SQLite case),
 * peak RSS 160–165 MB with 1,024 rows against 195–200 MB with a 1 MiB
 * chunk's ~13,000 rows, and no more CPU.
 */
const IMPORT_BATCH_ROWS = 2048;
/** Bytes read at a time from a list read in chunks: large enough that a read costs little, small against the list. */
const READ_CHUNK_BYTES = 1024 * 1024;
/**
 * IOC lists and feeds at least this large are read in a worker thread
 * (intel-read-thread.ts) while this one stages what it has read: starting
 * the thread costs some tens of milliseconds, about what reading 8 MiB does.
 */
const THREAD_READ_BYTES = 8 * 1024 * 1024;

export interface IntelImportOptions {
  campaign?: string;
  format?: IntelFormat | 'auto';
  /** Warninglists to flag with; default: the ones shipped in data/warninglists. */
  warninglists?: WarninglistIndex;
  onDiagnostic(d: Diagnostic): void;
  /** Told the bytes to read and the indicators merged as the import goes. */
  progress?: ProgressListener;
  /** `--format report`: the publisher's domains, beside those the document names. */
  publishers?: readonly string[];
  /** Drops indicators whose source gives a confidence (0–100) below this; those with none are kept. */
  minConfidence?: number;
  /** IOC lists and feeds at least this large (bytes) are read in a worker thread; default 8 MiB. What is imported is the same either way. */
  threadReadBytes?: number;
}

export interface IntelImportResult extends ImportCounts {
  files: number;
  /** Files read, by format. */
  formats: Partial<Record<IntelFormat, number>>;
  /** Diagnostics of severity error (things skipped). */
  errors: number;
  warninglisted: number;
  /** `--format report`: values in the reports' text left out (not indicators, the publisher's, warninglisted; `--dry-run` lists them). */
  leftOut: number;
  /** Indicators dropped by minConfidence (present when some were). */
  belowConfidence?: number;
  /** MISP feed directories read through their manifest (present when some were). */
  mispFeeds?: number;
  /** MISP look-up indexes (a feed's hashes.csv) left out (present when some were). */
  indexesSkipped?: number;
}

/** The campaign an un-named source's indicators go to: the file's base name without extension. */
function fileCampaign(path: string): string {
  const b = basename(path);
  const e = extname(b);
  return e && e !== b ? b.slice(0, -e.length) : b;
}

/** Imports intel files and directories into the case. */
export async function importIntel(store: Store, paths: readonly string[], opts: IntelImportOptions): Promise<IntelImportResult> {
  const result: IntelImportResult = { added: 0, merged: 0, files: 0, formats: {}, errors: 0, warninglisted: 0, leftOut: 0 };
  const progress = opts.progress ?? NO_PROGRESS;
  const report = (d: Diagnostic) => {
    if (d.severity === 'error') result.errors++;
    opts.onDiagnostic(d);
  };
  const walked = [];
  for await (const f of walkPaths(paths, { onDiagnostic: report })) walked.push(f);
  const feeds = await planMispFeeds(walked, report);
  const files = feeds.files;
  if (feeds.feeds > 0) result.mispFeeds = feeds.feeds;
  if (feeds.indexes > 0) result.indexesSkipped = feeds.indexes;
  const total = files.reduce((n, f) => n + f.size, 0);
  progress.start(total, 'indicators');
  // Loaded when first needed: a list read in a thread is checked there.
  let loaded: WarninglistIndex | undefined = opts.warninglists;
  const lists = () => loaded ??= loadWarninglists();
  // The thread checks the shipped warninglists itself; lists given by the caller are checked here.
  const thread = new IntelReadThread(opts.warninglists === undefined ? defaultWarninglistDir() : null);
  try {
    for (const f of files) await importFile(f);
  } finally {
    await thread.close();
  }
  progress.finish();
  return result;

  async function importFile(f: (typeof files)[number]): Promise<void> {
    let format: IntelFormat | null;
    let head: Buffer | null = null;
    if (f.size === 0) {
      report(diag('unknown-format', f.path, `empty file; known formats are: ${INTEL_FORMATS.join(', ')}`));
      return;
    }
    try {
      if (opts.format && opts.format !== 'auto') format = opts.format;
      else format = detectIntelFormat(head = await readFileHead(f.path, DETECT_HEAD_BYTES), f.path);
    } catch (e) {
      report(diag('unreadable', f.path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`));
      return;
    }
    if (!format) {
      const hint = head !== null ? reportHint(head) : null;
      report(diag('unknown-format', f.path, hint !== null
        ? `${hint}: use --format report to extract indicators from a report's text`
        : `not a known intel format; known formats are: ${INTEL_FORMATS.join(', ')}`));
      return;
    }
    let reading: ReportReading | null = null;
    if (format === 'report') {
      // Read before the import begins: pdf.js is asynchronous, and an unreadable report (said already) adds nothing.
      reading = await readReportFile(f.path, lists(), { publishers: opts.publishers ?? [] }, report);
      if (reading === null) return;
    }
    const r = reading;
    await importSource(store, { path: f.path, source: basename(f.path), fallback: fileCampaign(f.path), format, lists, opts, result, report },
      (sink, flush, advance) => {
        if (r !== null) {
          reportItems(r, sink);
          advance(f.size);
          return null;
        }
        if (canStreamIntel(format) && f.size >= (opts.threadReadBytes ?? THREAD_READ_BYTES)) return thread.read({ path: f.path, format }, sink, flush, advance);
        return readFile(f.path, format, sink, flush, advance);
      });
    if (r !== null) result.leftOut += r.dropped.length;
  }
}

/** Imports one document held in memory (a TAXII page) as one source, all or nothing, as a file is. */
export async function importIntelDocument(
  store: Store, doc: { path: string; source: string; fallbackCampaign: string; data: Buffer; format: IntelFormat }, opts: IntelImportOptions,
): Promise<IntelImportResult> {
  const result: IntelImportResult = { added: 0, merged: 0, files: 0, formats: {}, errors: 0, warninglisted: 0, leftOut: 0 };
  const report = (d: Diagnostic) => {
    if (d.severity === 'error') result.errors++;
    opts.onDiagnostic(d);
  };
  const loaded = opts.warninglists ?? loadWarninglists();
  const lists = () => loaded;
  const ctx = { path: doc.path, source: doc.source, fallback: doc.fallbackCampaign, format: doc.format, lists, opts, result, report };
  await importSource(store, ctx, (sink, _flush, advance) => {
    readIntel(doc.data, doc.path, doc.format, sink);
    advance(doc.data.length);
    return null;
  });
  return result;
}

/** What importSource needs beside the reader. */
interface SourceContext {
  path: string;
  /** The name the case records as the indicators' source. */
  source: string;
  /** The campaign of indicators the source gives none (a file's base name). */
  fallback: string;
  format: IntelFormat;
  /** The warninglists to check items with that the reader has not checked. */
  lists(): WarninglistIndex;
  opts: IntelImportOptions;
  result: IntelImportResult;
  report(d: Diagnostic): void;
}

/** Reads one source into the sink: returns (or resolves to) the read error, or null when it was read to its end. */
type SourceReader = (sink: CheckedIntelSink, flush: () => void, advance: (bytes: number) => void) => unknown;

/** Reads one source and merges its indicators into the case, all or nothing (one transaction, one generation). */
async function importSource(store: Store, ctx: SourceContext, read: SourceReader): Promise<void> {
  const { path, source, format, lists, opts, result, report } = ctx;
  const fallback = [ctx.fallback];
  const progress = opts.progress ?? NO_PROGRESS;
  const override = opts.campaign;
  const minConfidence = opts.minConfidence;
  const writer = await store.beginImport();
  let batch: IndicatorInput[] = [];
  const writes: Promise<void>[] = [];
  let notes = 0;
  let items = 0;
  let warninglisted = 0;
  // Awaited together below; a failure is seen there, not as an unhandled rejection while a thread reads the file.
  const track = (w: Promise<void>) => {
    w.catch(() => {});
    writes.push(w);
  };
  // The writer stages synchronously (its promise settles after the work is
  // done), so batches are staged while the reader runs and memory stays flat.
  const flush = () => {
    if (batch.length === 0) return;
    track(writer.add(batch));
    progress.advance(0, batch.length);
    batch = [];
  };
  const sink = {
    // `checked`: the first warninglist the value is on, when the reader has checked it (a thread: intel-read-thread.ts).
    item(i: IntelItem, checked?: string | null) {
      if (minConfidence !== undefined && i.confidence !== undefined && i.confidence < minConfidence) {
        result.belowConfidence = (result.belowConfidence ?? 0) + 1;
        return;
      }
      items++;
      const wl = checked !== undefined ? checked : lists().check(i.type, i.value);
      if (wl !== null) {
        warninglisted++;
        if (notes++ < MAX_WARNINGLIST_NOTES) {
          opts.onDiagnostic(diag('warninglisted', path,
            `warning: ${i.type} ${quoteForDiagnostic(i.value)} is on warninglist ${wl}: imported, not hunted unless --include-warninglisted`,
            i.line !== undefined ? { line: i.line } : {}));
        }
      }
      const names = override !== undefined ? [override] : i.campaigns.length > 0 ? i.campaigns : fallback;
      for (const campaign of names) {
        const row: IndicatorInput = { type: i.type, value: i.value, campaign, source, warninglist: wl };
        if (i.description !== undefined) row.description = i.description;
        if (i.ruleSource !== undefined) row.ruleSource = i.ruleSource;
        if (i.firstSeen !== undefined) row.firstSeen = i.firstSeen;
        if (i.lastSeen !== undefined) row.lastSeen = i.lastSeen;
        if (i.confidence !== undefined) row.confidence = i.confidence;
        batch.push(row);
      }
      if (batch.length >= IMPORT_BATCH_ROWS) flush();
    },
    campaign(c: CampaignInfo) {
      if (override === undefined) track(writer.addCampaigns([c]));
    },
    diagnostic: report,
  };
  let readError: unknown = null;
  try {
    readError = await read(sink, flush, (bytes) => progress.advance(bytes));
    flush();
    await Promise.all(writes);
  } catch (e) {
    await writer.rollback();
    throw e;
  }
  if (readError !== null) {
    // All or nothing: a file that could not be read to its end adds nothing.
    await writer.rollback();
    report(diag('unreadable', path, `cannot read: ${(readError as NodeJS.ErrnoException).code ?? String(readError)}`));
    return;
  }
  if (notes > MAX_WARNINGLIST_NOTES) {
    opts.onDiagnostic(diag('warninglisted', path, `warning: ${notes - MAX_WARNINGLIST_NOTES} more warninglisted indicators not listed`));
  }
  if (override !== undefined && items > 0) await writer.addCampaigns([{ name: override, aliases: [] }]);
  const counts = await writer.commit();
  result.files++;
  result.formats[format] = (result.formats[format] ?? 0) + 1;
  result.warninglisted += warninglisted;
  result.added += counts.added;
  result.merged += counts.merged;
}

/**
 * Reads one intel file into the sink: an IOC list in chunks, other formats
 * whole. Returns the read error, or null when the file was read to its end.
 */
function readFile(path: string, format: IntelFormat, sink: IntelSink, flush: () => void, advance: (bytes: number) => void): unknown {
  const stream = streamIntel(path, format, sink);
  if (stream === null) {
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (e) {
      return e;
    }
    readIntel(data, path, format, sink);
    advance(data.length);
    return null;
  }
  const error = readChunks(path, READ_CHUNK_BYTES, (chunk) => {
    stream.push(chunk);
    flush();
    advance(chunk.length);
  });
  if (error !== null) return error;
  stream.end();
  return null;
}
