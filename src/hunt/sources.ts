/**
 * Evidence sources: one way to read each kind of input, behind one shape. A
 * source reads one evidence file as one format family (a pass) and hands
 * what it finds to a PassSink: raw sightings and samples in batches,
 * diagnostics, and bytes done. The hunt's loop drives every source the same
 * way and owns the store; a source never writes to the case itself.
 */
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Observation } from '../core/model.js';
import { diag, type Diagnostic } from '../core/diagnostic.js';
import { STORE_BATCH_ROWS } from '../core/limits.js';
import {
  CAPTURE_FORMATS, EVTX_FORMAT, MULTI_LINE_FORMATS, TEXT_FORMAT, newWinEventStats, observeWinEvent, type EvtxReaderFactory, type ObservationSink,
} from '../evidence/index.js';
import type { IndicatorIndex } from '../matching/index.js';
import type { FoundFile, YaraScanner } from '../samples/index.js';
import type { EvidenceWriter, SampleInput } from '../store/store.js';
import { readCaptureFile, type CaptureFileStats } from './capture/index.js';
import { cancelCapture, newCaptureCredit, takePart, type CapturePart, type CaptureRunner } from './capture/capture-task.js';
import { GzipBombError, gunzipBounded } from './file-head.js';
import { hashFile } from './file-hash.js';
import { huntRanges, type RangeRunner } from './log-hunt.js';
import { LineHunter } from './log-range.js';
import { RecordMatcher, type RawSighting } from './match.js';
import { FILES_FORMAT } from './plan.js';
import { scanFileAt, type ScanResult } from './scan-files.js';
import { SINKHOLE_FAMILY, type SinkholeSetup } from './sinkhole.js';

/** Range size for a sinkhole's log in the worker pool (about 20,000 requests). */
const SINKHOLE_RANGE_BYTES = 4 * 1024 * 1024;

/** What one pass over one evidence file counted. */
export interface PassStats {
  /** The format stored and shown (`zeek-dns`, `squid`, `text`, `files`, `pcapng`…). */
  format: string;
  lines: number;
  records: number;
  skipped: number;
  /** sha256 of the whole file; null when it could not be read (the diagnostics say why). */
  sha256: string | null;
}

/** Where a source puts what it finds. */
export interface PassSink {
  sighting(s: RawSighting, format: string): void;
  samples(rows: readonly SampleInput[]): void;
  diagnostic(d: Diagnostic): void;
  /** Bytes of the file done. */
  progress(bytes: number): void;
  /** Writes the buffered rows once there are enough of them; sources await it between chunks, so a slow store holds the reader back. */
  drain(): Promise<void>;
  /** Writes everything buffered. */
  flush(): Promise<void>;
}

/** What every source may use. */
export interface SourceContext {
  index: IndicatorIndex;
  /** Where ranges of large plain logs are read (the worker pool; a queue's stored results), or null: read front to back. */
  ranges: RangeRunner | null;
  /** Plain logs at least this large are split into ranges. */
  parallelMinBytes: number;
  rangeBytes: number;
  maxFileSize: number;
  yara: YaraScanner | null;
  yaraIds: ReadonlyMap<string, number>;
  /** Query parameters naming an implant's host identifier (Store.hostIdParams()). */
  hostIdParams: readonly string[];
  /** A sinkhole hunt's campaign indicator and exclusions (its passes are of family `sinkhole`). */
  sinkhole?: SinkholeSetup;
  /** The binary EVTX reader for `evtx` passes; null when this build has none. */
  evtxReader: EvtxReaderFactory | null;
  /**
   * Where a capture's sha256 is computed while this thread decodes it: a worker of the pool
   * (the two then take a core each), or null: in this thread, between its reads.
   */
  hasher?: ((path: string) => Promise<string>) | null;
  /** Where a capture is read, decoded and matched while this thread stores what it finds: a worker of the pool, or null: in this thread. */
  captures?: CaptureRunner | null;
}

/** One evidence file read as one family. */
export interface EvidenceSource {
  readonly family: string;
  read(sink: PassSink): Promise<PassStats>;
}

/**
 * The source that reads `f` as `family`; `scanned` is a scan already running
 * in the pool (for a text pass: one that reads the file's bytes as text too).
 */
export function evidenceSource(
  f: FoundFile, gz: boolean, family: string, ctx: SourceContext, scanned?: Promise<ScanResult>,
): EvidenceSource {
  if (family === FILES_FORMAT) return { family, read: (sink) => scanSource(f, ctx, sink, scanned) };
  if (scanned) return { family, read: (sink) => scannedTextSource(f, sink, scanned) };
  if ((CAPTURE_FORMATS as readonly string[]).includes(family)) return { family, read: (sink) => captureSource(f, family, ctx, sink) };
  if (family === EVTX_FORMAT) return { family, read: (sink) => evtxSource(f, gz, ctx.evtxReader, ctx, sink) };
  // A family whose records span lines is read by one reader front to back (readsInRanges): a range would start mid-record.
  if (ctx.ranges && readsInRanges(f, gz, family, ctx.parallelMinBytes)) return { family, read: (sink) => rangesSource(f, family, ctx, sink) };
  return { family, read: (sink) => streamSource(f, family, gz, ctx, sink) };
}

/** Whether a pass is read in ranges (given somewhere to read them): a plain (not gzipped) log at least `parallelMinBytes` long. */
export function readsInRanges(f: Pick<FoundFile, 'size'>, gz: boolean, family: string, parallelMinBytes: number): boolean {
  return family !== FILES_FORMAT && family !== EVTX_FORMAT && !(CAPTURE_FORMATS as readonly string[]).includes(family) && !MULTI_LINE_FORMATS.includes(family)
    && !gz && f.size >= parallelMinBytes;
}

/** The setup of a `sinkhole` pass (undefined for other families); a sinkhole pass without one is a bug. */
function sinkholeSetup(family: string, ctx: SourceContext): SinkholeSetup | undefined {
  if (family !== SINKHOLE_FAMILY) return undefined;
  if (!ctx.sinkhole) throw new Error('a sinkhole pass without a sinkhole hunt');
  return ctx.sinkhole;
}

/** A sink over an evidence writer: rows are buffered per format and written in batches. */
export function writerSink(
  writer: EvidenceWriter, family: string, onDiagnostic: (d: Diagnostic) => void, onProgress: (bytes: number, sightings: number) => void,
): PassSink {
  let rows: RawSighting[] = [];
  let rowsFormat = '';
  let samples: SampleInput[] = [];
  const pending: Promise<void>[] = [];
  const sink = {
    sighting(s: RawSighting, format: string) {
      if (format !== rowsFormat && rows.length > 0) {
        pending.push(writer.addSightings({ family, format: rowsFormat }, rows));
        rows = [];
      }
      rowsFormat = format;
      rows.push(s);
      onProgress(0, 1);
    },
    samples(r: readonly SampleInput[]) { samples.push(...r); },
    diagnostic: onDiagnostic,
    progress(bytes: number) { onProgress(bytes, 0); },
    async drain() {
      if (rows.length >= STORE_BATCH_ROWS || samples.length >= STORE_BATCH_ROWS) await sink.flush();
    },
    async flush() {
      if (rows.length > 0) pending.push(writer.addSightings({ family, format: rowsFormat }, rows));
      if (samples.length > 0) pending.push(writer.addSamples(samples));
      rows = [];
      samples = [];
      const all = pending.splice(0);
      await Promise.all(all);
    },
  };
  return sink;
}

/**
 * Streams a file's bytes (gunzipped when `gz`) to `take`, awaiting the sink
 * between chunks, hashing the raw bytes and counting them done. A gzip
 * stream that breaks is reported (`readSoFar` says how far the reading got)
 * and ends the input early: `complete` is then false.
 */
async function streamFile(
  f: FoundFile, gz: boolean, sink: PassSink, take: (chunk: Buffer) => void, readSoFar: () => string,
): Promise<{ complete: boolean; sha256: string }> {
  const hash = createHash('sha256');
  const raw = createReadStream(f.path, { highWaterMark: 1 << 20 });
  raw.on('data', (c) => { hash.update(c as Buffer); sink.progress((c as Buffer).length); });
  const source = gz ? gunzipBounded(raw) : raw;
  let complete = true;
  try {
    for await (const chunk of source) {
      take(chunk as Buffer);
      await sink.drain();
    }
  } catch (e) {
    if (!gz) throw e;
    complete = false;
    const reason = e instanceof GzipBombError ? e.message : `gzip stream ends early or is corrupt (${(e as Error).message})`;
    sink.diagnostic(diag(e instanceof GzipBombError ? 'too-large' : 'truncated', f.path, `${reason}; ${readSoFar()}`));
  }
  if (gz && (!complete || raw.destroyed)) return { complete, sha256: await hashFile(f.path) };
  // drain the rest so the hash covers the whole file
  if (gz) for await (const c of raw) hash.update(c as Buffer);
  return { complete, sha256: hash.digest('hex') };
}

/** A text log read front to back in this thread (small files, gzip, records that span lines). */
async function streamSource(f: FoundFile, family: string, gz: boolean, ctx: SourceContext, sink: PassSink): Promise<PassStats> {
  const h: LineHunter = new LineHunter({
    family, displayPath: f.path, referenceMs: f.mtimeMs, index: ctx.index, hostIdParams: ctx.hostIdParams, sinkhole: sinkholeSetup(family, ctx),
  }, (s) => sink.sighting(s, h.reader.format));
  const reader = h.reader;
  const flushDiagnostics = () => {
    for (const d of h.diagnostics) sink.diagnostic(d);
    h.diagnostics.length = 0;
  };
  const { complete, sha256 } = await streamFile(f, gz, sink, (chunk) => {
    h.splitter.push(chunk);
    flushDiagnostics();
  }, () => `read up to line ${h.splitter.lines}`);
  // A stream cut short leaves a partial last line: not a record to judge.
  h.finish(complete);
  flushDiagnostics();
  return { format: reader.format, lines: h.splitter.lines, records: reader.records, skipped: reader.skipped, sha256 };
}

/** The size of the ranges a log read as `family` is cut into: every line of a sinkhole's log is a sighting, so its ranges are smaller (results in flight stay small). */
export function rangeBytesFor(family: string, rangeBytes: number): number {
  return family === SINKHOLE_FAMILY ? Math.min(rangeBytes, SINKHOLE_RANGE_BYTES) : rangeBytes;
}

/** A large plain log split at line boundaries into ranges (read in the worker pool, or by the queue's workers). */
async function rangesSource(f: FoundFile, family: string, ctx: SourceContext, sink: PassSink): Promise<PassStats> {
  const sinkhole = sinkholeSetup(family, ctx);
  const rangeBytes = rangeBytesFor(family, ctx.rangeBytes);
  const r = await huntRanges(f, family, ctx.ranges!, ctx.index, sink.diagnostic, (s, fmt) => sink.sighting(s, fmt),
    { advance: (bytes: number) => sink.progress(bytes) }, rangeBytes, () => sink.drain(), { hostIdParams: ctx.hostIdParams, sinkhole });
  return r;
}

/** A packet capture (pcap, pcapng, gzip of either). */
async function captureSource(f: FoundFile, family: string, ctx: SourceContext, sink: PassSink): Promise<PassStats> {
  // A worker that dies while hashing costs only the speed: the file is hashed here instead.
  const hashing = ctx.hasher ? ctx.hasher(f.path).catch(() => hashFile(f.path)) : hashFile(f.path);
  // Awaited at the end; a failure while decoding must not leave it unhandled.
  hashing.catch(() => undefined);
  // Detection already told pcap from pcapng (a gzip of either included).
  let format = family;
  let reported = 0;
  if (ctx.captures) {
    const cap = await captureElsewhere(f, family, ctx.captures, ctx.hostIdParams, sink);
    return { format: cap.format !== 'unknown' ? cap.format : family, lines: cap.packets, records: cap.packets, skipped: cap.skipped, sha256: await hashing };
  }
  // A record is one packet: its sightings wait for the packet's last observation (match.ts).
  const matcher = new RecordMatcher(ctx.index, ctx.hostIdParams, (s) => sink.sighting(s, format));
  const cap = await readCaptureFile(f.path, f.path, (batch: readonly Observation[]) => {
    for (const o of batch) matcher.observe(o);
  }, sink.diagnostic, {
    // The reader says how far it has read; the sink counts bytes done since the last call.
    onProgress: (readSoFar: number) => { sink.progress(readSoFar - reported); reported = readSoFar; },
    drain: () => sink.drain(),
  });
  matcher.end();
  if (cap.format !== 'unknown') format = cap.format;
  return { format, lines: cap.packets, records: cap.packets, skipped: cap.skipped, sha256: await hashing };
}

/**
 * A capture read, decoded and matched by `run` (a worker of the pool): its sightings are stored here
 * as its parts come, and each part is counted taken once the store has caught up (back-pressure).
 */
async function captureElsewhere(
  f: FoundFile, family: string, run: CaptureRunner, hostIdParams: readonly string[], sink: PassSink,
): Promise<CaptureFileStats> {
  const credit = newCaptureCredit();
  let reported = 0;
  let failure: unknown = null;
  const onPart = (part: CapturePart): void => {
    for (const s of part.sightings) sink.sighting(s, family);
    for (const d of part.diagnostics) sink.diagnostic(d);
    sink.progress(part.bytesRead - reported);
    reported = part.bytesRead;
    sink.drain().then(() => takePart(credit), (e: unknown) => { failure ??= e; cancelCapture(credit); });
  };
  try {
    const stats = await run({ path: f.path, displayPath: f.path, hostIdParams, credit }, onPart);
    if (failure !== null) throw failure;
    return stats;
  } catch (e) {
    cancelCapture(credit);
    throw failure ?? e;
  }
}

/** A file scanned as a sample (and its archive members), in the pool when there is one. */
async function scanSource(f: FoundFile, ctx: SourceContext, sink: PassSink, scanned?: Promise<ScanResult>): Promise<PassStats> {
  const r = scanned ? await scanned : await scanFileAt(f.path, ctx.maxFileSize, { index: ctx.index, yara: ctx.yara, yaraIds: ctx.yaraIds });
  for (const d of r.diagnostics) sink.diagnostic(d);
  sink.progress(f.size);
  if (r.sha256 === null) return { format: FILES_FORMAT, lines: 0, records: 0, skipped: 0, sha256: null };
  for (const s of r.sightings) sink.sighting(s, FILES_FORMAT);
  sink.samples(r.samples);
  return { format: FILES_FORMAT, lines: 0, records: r.samples.length, skipped: 0, sha256: r.sha256 };
}

/**
 * A text pass the pool read from the bytes of the file's scan (scan-files.ts):
 * what streamSource would have found, handed on the same way. A file it
 * could not read gives no pass; the scan's pass reports why.
 */
async function scannedTextSource(f: FoundFile, sink: PassSink, scanned: Promise<ScanResult>): Promise<PassStats> {
  const r = await scanned;
  sink.progress(f.size);
  const t = r.text;
  if (r.sha256 === null || t === undefined) return { format: TEXT_FORMAT, lines: 0, records: 0, skipped: 0, sha256: null };
  for (const s of t.sightings) sink.sighting(s, t.format);
  for (const d of t.diagnostics) sink.diagnostic(d);
  return { format: t.format, lines: t.lines, records: t.records, skipped: t.skipped, sha256: r.sha256 };
}

/**
 * A binary EVTX file (plain or gzip), its bytes streamed to the EVTX reader;
 * each event is mapped to observations (evidence/winevent/observe.ts) and
 * matched. An event is a record: there is no URL and no host identifier.
 */
export async function evtxSource(
  f: FoundFile, gz: boolean, factory: EvtxReaderFactory | null, ctx: Pick<SourceContext, 'index'>, sink: PassSink,
): Promise<PassStats> {
  if (factory === null) {
    sink.diagnostic(diag('unsupported', f.path, 'an EVTX file, and this build has no EVTX reader; not read (scan it with --format files)'));
    sink.progress(f.size);
    return { format: EVTX_FORMAT, lines: 0, records: 0, skipped: 0, sha256: null };
  }
  const matcher = new RecordMatcher(ctx.index, [], (s) => sink.sighting(s, EVTX_FORMAT));
  const stats = newWinEventStats();
  const observations: ObservationSink = { observe: (o) => matcher.observe(o), diagnostic: sink.diagnostic };
  const reader = factory.create(f.path, (ev) => observeWinEvent(ev, { path: f.path }, observations, stats), sink.diagnostic);
  const { sha256 } = await streamFile(f, gz, sink, (chunk) => reader.push(chunk), () => 'the records before it were read');
  const r = reader.end();
  matcher.end();
  return { format: EVTX_FORMAT, lines: 0, records: r.records, skipped: r.skipped, sha256 };
}
