/**
 * `sightline hunt` and `sightline rehunt`: one loop over evidence sources.
 * Each evidence file is planned (its format families, what the case has
 * already covered), read by one source per family into an evidence writer
 * that stages its sightings outside the case's lock, committed in one short
 * transaction, and its stored sightings reported.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { availableParallelism } from 'node:os';
import type { Sighting } from '../core/model.js';
import { diag, type Diagnostic } from '../core/diagnostic.js';
import { DEFAULT_MAX_FILE_SIZE } from '../core/limits.js';
import { IndicatorIndex } from '../matching/index.js';
import { EVTX_READER, TEXT_FORMAT, type EvtxReaderFactory } from '../evidence/index.js';
import { YaraScanner, walkPaths, type FoundFile } from '../samples/index.js';
import type { CommitOutcome, EvidencePass, EvidenceWriter, HuntSelection, Store, StoredEvidence } from '../store/store.js';
import { NO_PROGRESS, type ProgressListener } from './events.js';
import { loadHuntIndex } from './index-cache.js';
import type { HuntTask, HuntTaskResult, HuntWorkerData, HuntWorkerSetup, ScanTask } from './hunt-worker.js';
import { ScanBatches } from './scan-batches.js';
import type { ScanResult } from './scan-files.js';
import { FILES_FORMAT, planFile, type PlanOptions, type PlannedFile } from './plan.js';
import { HUNT_FORMATS, NothingToHuntError } from './formats.js';
import { prepareSinkhole, SINKHOLE_FAMILY, SINKHOLE_FIELDS, type SinkholeSetup } from './sinkhole.js';
import { poolCaptures, poolHasher } from './pool-tasks.js';
import { poolRanges, RANGE_BYTES, type RangeRunner } from './log-hunt.js';
import { evidenceSource, writerSink, type SourceContext } from './sources.js';
import { WorkerPool, workerUrl } from './worker-pool.js';

/** Plain text logs larger than this are split into ranges for worker threads. */
const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
/** How often a hunt looks again at a file another process is hunting. */
const CLAIM_POLL_MS = 200;
/** Files claimed per transaction. */
const CLAIM_BATCH = 512;
/** Files smaller than this are stored in batches (one transaction for many). */
const BATCH_FILE_MAX_BYTES = 1024 * 1024;
/** Most files, and bytes of files, in one batch. */
const BATCH_FILES = 256;
const BATCH_BYTES = 32 * 1024 * 1024;

export { FILES_FORMAT };

/** Every evidence format family `--format` accepts. */
export { HUNT_FORMATS, NothingToHuntError };

export interface HuntOptions {
  campaign?: string;
  /** A format family from HUNT_FORMATS, or 'auto'. */
  format?: string;
  includeWarninglisted?: boolean;
  /** Worker threads for large logs (default: the machine's cores) and captures (default: none, one thread). */
  workers?: number;
  /** Told the bytes to read and the sightings staged as the hunt goes. */
  progress?: ProgressListener;
  /** Files scanned as samples larger than this are skipped (default 256 MB). */
  maxFileSize?: number;
  /** Follow symbolic links inside the given folders that lead out of them (default: report and skip them). */
  followSymlinks?: boolean;
  /** Plain logs at least this large are split across workers (default 32 MiB; tests set it low). */
  parallelMinBytes?: number;
  /** Size of one worker range (default 16 MiB). */
  rangeBytes?: number;
  /** Each sighting stored, after its evidence file is committed. */
  onSighting(s: Sighting): void;
  onDiagnostic(d: Diagnostic): void;
  /** Notices that are neither sightings nor diagnostics ("already hunted", "read as text"). */
  onNotice?(message: string): void;
  /**
   * Sinkhole mode: the paths are the access logs of a web server that took
   * over this campaign's C2 (name or alias; created when the case has no
   * such campaign), and every request in them is the campaign's beacon
   * (docs/design.md, Sinkhole hunts). Not with `campaign`; `format` may only
   * be 'auto' or 'web-access'.
   */
  sinkhole?: string;
  /** Sinkhole mode: files extending data/sinkhole-exclusions.json (crawlers and scanners counted apart from victims). */
  exclusions?: readonly string[];
  /** The binary EVTX reader (default: the build's, EVTX_READER; null: EVTX files are scanned as files). */
  evtxReader?: EvtxReaderFactory | null;
}

export interface HuntResult {
  files: number;
  hunted: number;
  /** Files whose every selected indicator the case had already met there: not read. */
  alreadyHunted: number;
  /** Files whose content the case already held under another path (new sightings, if any, joined it). */
  copies: number;
  /** Sightings stored. */
  sightings: number;
  /** Sightings found again in content the case had already hunted (not stored twice). */
  alreadyKnown: number;
  indicators: number;
  /** Error diagnostics: records or files skipped. */
  errors: number;
  formats: Record<string, number>;
  /** Samples new to the case (scanned files and archive members). */
  samples: number;
  /** Sinkhole mode: the stored sightings by kind — beacons, and requests of crawlers and scanners (counted apart from victims). */
  sinkhole?: { requests: number; crawlers: number; scanners: number };
}


/** The selection a hunt with these options makes; throws when the case holds nothing to hunt for. */
export async function selectionFor(store: Store, opts: Pick<HuntOptions, 'campaign' | 'includeWarninglisted'>): Promise<HuntSelection> {
  const includeWarninglisted = opts.includeWarninglisted ?? false;
  let campaign: string | undefined;
  if (opts.campaign !== undefined) {
    const name = await store.resolveCampaign(opts.campaign);
    if (name === null) throw new NothingToHuntError(`no campaign named ${JSON.stringify(opts.campaign)} in this case`);
    campaign = name;
  }
  const filter = { includeWarninglisted, ...(campaign !== undefined ? { campaign } : {}) };
  if (!await store.hasIndicators(filter)) {
    const what = campaign !== undefined ? ` of campaign ${JSON.stringify(campaign)}` : '';
    const wl = includeWarninglisted ? '' : ' that are not warninglisted (--include-warninglisted hunts those too)';
    throw new NothingToHuntError(`the case ${store.location} holds no indicators${what}${wl} to hunt for: import intel first ` +
      '(sightline intel import FILE); no evidence was read');
  }
  return { ...filter, gen: await store.currentGeneration() };
}

/** Runs a hunt over `paths`. */
export async function hunt(store: Store, paths: readonly string[], opts: HuntOptions): Promise<HuntResult> {
  let selection: HuntSelection;
  let sinkhole: SinkholeSetup | null = null;
  if (opts.sinkhole !== undefined) {
    if (opts.campaign !== undefined) throw new Error('a sinkhole hunt names its campaign itself (--sinkhole CAMPAIGN); leave out --campaign');
    if (opts.format !== undefined && opts.format !== 'auto' && opts.format !== 'web-access') {
      throw new Error(`a sinkhole hunt reads web access logs only: --format ${opts.format} does not go with --sinkhole (auto or web-access do)`);
    }
    const prepared = await prepareSinkhole(store, opts.sinkhole, opts);
    selection = prepared.selection;
    sinkhole = prepared.setup;
  } else {
    selection = await selectionFor(store, opts);
  }
  const report = counting(opts);
  const files = await huntInputs(store, paths, opts, report);
  return runHunt(store, selection, files, opts, report, sinkhole);
}

/** Every file under `paths` to hunt (the case's own files left out, saying so). */
export async function huntInputs(
  store: Store, paths: readonly string[], opts: Pick<HuntOptions, 'followSymlinks' | 'onNotice'>, report: Counting,
): Promise<Planned[]> {
  const files: Planned[] = [];
  const own = caseFiles(store);
  for await (const f of walkPaths(paths, { onDiagnostic: report.diagnostic, followSymlinks: opts.followSymlinks ?? false })) {
    // `hunt .` in the case's folder must not hunt the case itself (its database, journal and kept index).
    if (own(f.path)) opts.onNotice?.(`${f.path}: part of this case (${store.location}); not hunted`);
    else files.push({ f });
  }
  return files;
}

/** Whether a path is one of the case's own files: the database, its -wal/-shm/-journal, the kept index folder. */
function caseFiles(store: Store): (path: string) => boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(store.location)) return () => false;
  const base = resolve(store.location);
  return (path) => {
    const p = resolve(path);
    return p === base || (p.startsWith(`${base}-`) && /^-(wal|shm|journal|index)(\/|$)/.test(p.slice(base.length)));
  };
}

export type RehuntOptions = Omit<HuntOptions, 'format' | 'followSymlinks' | 'sinkhole' | 'exclusions'>;

/**
 * Hunts every evidence file of the case again, still readable at its path,
 * for the indicators it has not met yet, in the format families it was hunted in.
 */
export async function rehunt(store: Store, opts: RehuntOptions): Promise<HuntResult> {
  const selection = await selectionFor(store, opts);
  const report = counting(opts);
  return runHunt(store, selection, await rehuntInputs(store, opts), opts, report, null);
}

/** The case's evidence a rehunt reads again: each file still readable at its path, unchanged, in the families it was hunted in. */
export async function rehuntInputs(store: Store, opts: Pick<HuntOptions, 'onNotice'>): Promise<Planned[]> {
  const todo: Planned[] = [];
  for await (const e of store.listEvidence()) {
    let st;
    try {
      st = await stat(e.path);
    } catch (err) {
      opts.onNotice?.(`${e.path}: not readable at its path any more (${(err as NodeJS.ErrnoException).code ?? String(err)}); not hunted again`);
      continue;
    }
    if (!st.isFile() || st.size !== e.size) {
      opts.onNotice?.(`${e.path}: changed since it was hunted (${st.isFile() ? `${st.size} bytes, was ${e.size}` : 'no longer a file'}); not hunted again — hunt it as new evidence`);
      continue;
    }
    // A sinkhole pass met its one indicator already: a rehunt has nothing to add to it.
    const families = e.families.filter((f) => f !== SINKHOLE_FAMILY);
    if (families.length === 0 && e.families.length > 0) {
      opts.onNotice?.(`${e.path}: hunted as a sinkhole's log only; not hunted again (hunt it without --sinkhole to match the case's indicators)`);
      continue;
    }
    // Evidence hunted before families were recorded ('*') is detected afresh.
    todo.push({ f: { path: e.path, size: st.size, mtimeMs: st.mtimeMs } as FoundFile, prior: { evidence: e, families: families.includes('*') ? [] : families } });
  }
  return todo;
}

/** A file to plan: found by the walk, or (a retro-hunt) evidence of the case with the families to read it as. */
export interface Planned { f: FoundFile; prior?: { evidence: StoredEvidence; families: string[] } }

/** Counts error diagnostics on their way to the caller. */
export function counting(opts: Pick<HuntOptions, 'onDiagnostic'>): Counting {
  const r = {
    errors: 0,
    diagnostic: (d: Diagnostic) => {
      if (d.severity === 'error') r.errors++;
      opts.onDiagnostic(d);
    },
  };
  return r;
}

/** Diagnostics on their way to the caller, the errors among them counted. */
export interface Counting {
  errors: number;
  diagnostic(d: Diagnostic): void;
}

/** A result with nothing counted yet. */
export function emptyHuntResult(files: number, sinkhole: boolean): HuntResult {
  return {
    files, hunted: 0, alreadyHunted: 0, copies: 0, sightings: 0, alreadyKnown: 0, indicators: 0, errors: 0, formats: {}, samples: 0,
    ...(sinkhole ? { sinkhole: { requests: 0, crawlers: 0, scanners: 0 } } : {}),
  };
}

/**
 * What hunting planned files needs, loaded once per hunt and used for every
 * file: the selection's index, the YARA rules (compiled before the first
 * file to scan), the worker pool, what the sources share. A local hunt opens
 * one; a queue worker (src/queue/) one per hunt it takes jobs of.
 */
export interface HuntEngine {
  readonly store: Store;
  readonly selection: HuntSelection;
  /** Indicators the index holds. */
  readonly indicators: number;
  readonly ctx: SourceContext;
  readonly pool: WorkerPool<HuntTask, HuntTaskResult> | null;
  /** Files to scan, gathered into batches for the pool (null without one). */
  readonly scans: ScanBatches | null;
  /** Compiles the case's YARA rules once, before the first file to scan (their diagnostics go to `report`). */
  prepareYara(report: (d: Diagnostic) => void): Promise<void>;
  close(): Promise<void>;
}

export interface HuntEngineOptions extends Pick<HuntOptions, 'workers' | 'maxFileSize' | 'parallelMinBytes' | 'rangeBytes' | 'evtxReader'> {
  /** Start a worker pool (with `workers` ≥ 2): for several files (scans run in parallel) or a large one (ranges). */
  pool: boolean;
  /** A file may be cut into ranges: the workers load the log readers while this thread loads the index. */
  preloadRanges?: boolean;
  sinkhole?: SinkholeSetup | null;
}

/** Loads what hunting files with `selection` needs (hunt/index-cache.ts keeps the index in the case's folder). */
export async function openHuntEngine(store: Store, selection: HuntSelection, opts: HuntEngineOptions): Promise<HuntEngine> {
  const workers = Math.max(1, opts.workers ?? availableParallelism());
  const sinkhole = opts.sinkhole ?? null;
  // Workers start loading their code now, while the case's indicators load.
  const pool: WorkerPool<HuntTask, HuntTaskResult> | null = workers >= 2 && opts.pool
    ? new WorkerPool(workerUrl(import.meta.url, 'hunt-worker'), workers, { preloadRanges: opts.preloadRanges ?? false } satisfies HuntWorkerData)
    : null;
  try {
    // A sinkhole hunt matches nothing: its one indicator is the campaign's sinkhole.
    const { index, count, yaraIds } = sinkhole ? { index: IndicatorIndex.build([]), count: 1, yaraIds: new Map<string, number>() }
      : await loadHuntIndex(store, selection);
    pool?.broadcast({ index: index.toShared() } satisfies HuntWorkerSetup);
    const maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    const ctx: SourceContext = {
      index, ranges: pool ? poolRanges(pool) : null, parallelMinBytes: opts.parallelMinBytes ?? PARALLEL_MIN_BYTES,
      rangeBytes: opts.rangeBytes ?? RANGE_BYTES, maxFileSize,
      yara: null, yaraIds, hostIdParams: await store.hostIdParams(), ...(sinkhole ? { sinkhole } : {}),
      evtxReader: opts.evtxReader === undefined ? EVTX_READER : opts.evtxReader,
      hasher: pool ? poolHasher(pool) : null,
      captures: pool ? poolCaptures(pool) : null,
    };
    // YARA rules are compiled here once, before the first file to scan (their
    // diagnostics reported once), and once in each worker.
    let yara: YaraScanner | null | undefined;
    return {
      store, selection, indicators: count, ctx, pool, scans: pool ? new ScanBatches(pool) : null,
      async prepareYara(report) {
        if (yara !== undefined) return;
        const filter = { includeWarninglisted: selection.includeWarninglisted, gen: selection.gen, ...(selection.campaign !== undefined ? { campaign: selection.campaign } : {}) };
        const sources = yaraIds.size === 0 ? [] : await store.yaraSources(filter);
        const good = YaraScanner.validate(sources, report);
        if (pool) {
          // The workers scan; each compiles what was validated here once. This thread needs no rules.
          yara = null;
          if (good.length > 0) pool.broadcast({ yara: { sources: good, ids: [...yaraIds] } } satisfies HuntWorkerSetup);
        } else {
          yara = YaraScanner.compileValidated(good, report);
        }
        ctx.yara = yara;
      },
      async close() { if (pool) await pool.close(); },
    };
  } catch (e) {
    if (pool) await pool.close();
    throw e;
  }
}

/** Where the outcomes of hunting some files go: the caller's callbacks, the counts, the progress. */
export interface HuntReport {
  opts: {
    /** Each stored sighting, read back after its file's commit (left out: not read back). */
    onSighting?: HuntOptions['onSighting'];
    onNotice?: HuntOptions['onNotice'];
    /** What each commit stored (a queue worker passes it on to the hunt's submitter). */
    onCommit?(out: CommitOutcome): void;
  };
  report: Counting;
  result: HuntResult;
  progress: ProgressListener;
}

/** A planned file ready to be staged: its scan already running in the pool; its ranges read elsewhere (a queue's workers). */
export interface ScheduledFile {
  entry: PlannedFile;
  /** Its scan (and, for a small text file in no known format, its text pass: textInScan) running in the pool. */
  scanned?: Promise<ScanResult>;
  ranges?: RangeRunner;
}

/** Gets a planned file ready: the rules compiled before the first file to scan, its scan started in the pool. */
export async function scheduleFile(engine: HuntEngine, entry: PlannedFile, rep: HuntReport): Promise<ScheduledFile> {
  const item: ScheduledFile = { entry };
  if (entry.passes.includes(FILES_FORMAT)) {
    await engine.prepareYara(rep.report.diagnostic);
    if (engine.scans) {
      const { ctx } = engine;
      const task: ScanTask = { path: entry.f.path, maxFileSize: ctx.maxFileSize };
      if (textInScan(entry, ctx)) task.text = { family: TEXT_FORMAT, referenceMs: entry.f.mtimeMs, hostIdParams: ctx.hostIdParams };
      item.scanned = engine.scans.scan(task, entry.f.size);
      // A batch just went: let the workers' answers in (each hands a worker more), or planning
      // thousands of small files, which never waits on I/O, would leave the workers idle until it ends.
      if (engine.scans.waitingFiles === 0) await new Promise<void>((resolve) => { setImmediate(resolve); });
    }
  }
  return item;
}

/**
 * Whether a file's text pass is read in the pool from the bytes its scan
 * reads (one read, and off this thread): a plain text file in no known
 * format, scanned as a file too, too small to be cut into ranges.
 */
function textInScan(entry: PlannedFile, ctx: SourceContext): boolean {
  return entry.passes[0] === TEXT_FORMAT && entry.passes.includes(FILES_FORMAT) && !entry.gz && entry.f.size < ctx.parallelMinBytes;
}

/**
 * Hunts planned files into the store, in order: each read through a source
 * per family into an evidence writer, committed (small files together, a
 * large one alone), its stored sightings reported. Used by the local hunt
 * and by the queue's workers alike.
 */
export async function huntScheduled(engine: HuntEngine, items: readonly ScheduledFile[], rep: HuntReport): Promise<void> {
  const { store } = engine;
  // Small files are staged one after the other into one writer and stored
  // together; a large one gets a writer (and a transaction) of its own.
  let writer: EvidenceWriter | null = null;
  let batch: PlannedFile[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (!writer) return;
    const w = writer;
    const files = batch;
    writer = null;
    batch = [];
    batchBytes = 0;
    let outcomes: CommitOutcome[];
    try {
      // A commit gives back the claims of the files it stores.
      outcomes = w.files > 0 ? await w.commit() : (await w.rollback(), []);
    } catch (e) {
      await w.rollback();
      for (const entry of files) {
        rep.report.diagnostic(diag('unreadable', entry.f.path, `hunt failed: ${e instanceof Error ? e.message : String(e)}`));
        await store.releaseFile(entry.f);
      }
      return;
    }
    for (let i = 0; i < outcomes.length; i++) await reportOutcome(store, files[i]!, outcomes[i]!, rep.opts, rep.result);
  };
  try {
    for (const { entry, scanned, ranges } of items) {
      const small = entry.f.size < BATCH_FILE_MAX_BYTES;
      if (!small) await flush();
      writer ??= await store.beginEvidence(engine.selection);
      const ctx = ranges ? { ...engine.ctx, ranges, parallelMinBytes: 0 } : engine.ctx;
      const staged = await stageOne(writer, entry, scanned, ctx, rep);
      if (staged) {
        batch.push(entry);
        batchBytes += entry.f.size;
      } else {
        await store.releaseFile(entry.f);
      }
      if (!small || batch.length >= BATCH_FILES || batchBytes >= BATCH_BYTES) await flush();
    }
    await flush();
  } finally {
    // A failure between files leaves no writer open on the connection.
    if (writer) await (writer as EvidenceWriter).rollback();
  }
}

/** The one loop: plan each file, read it through its sources, commit, report what was stored. */
async function runHunt(
  store: Store, selection: HuntSelection, inputs: readonly Planned[], opts: HuntOptions, report: Counting,
  sinkhole: SinkholeSetup | null,
): Promise<HuntResult> {
  const result = emptyHuntResult(inputs.length, sinkhole !== null);
  const progress = opts.progress ?? NO_PROGRESS;
  progress.start(inputs.reduce((n, p) => n + p.f.size, 0), 'sightings');
  const parallelMin = opts.parallelMinBytes ?? PARALLEL_MIN_BYTES;
  let engine: HuntEngine | null = null;
  try {
    // A file large enough to be cut into ranges (unless it turns out to be a capture or gzip, which are not) has the workers load the log readers at once.
    const large = inputs.some((p) => p.f.size >= parallelMin);
    engine = await openHuntEngine(store, selection, {
      ...opts, sinkhole, pool: inputs.length >= 2 || large, preloadRanges: large,
    });
    const e = engine;
    result.indicators = e.indicators;
    const rep: HuntReport = { opts, report, result, progress };
    const planOpts: PlanOptions = {
      format: opts.format, maxFileSize: e.ctx.maxFileSize, selection, report: report.diagnostic, onNotice: opts.onNotice,
      onLeftOut: (f) => progress.advance(f.size),
      onAlreadyHunted: () => { result.alreadyHunted++; },
      sinkhole: sinkhole !== null, evtxReader: e.ctx.evtxReader,
    };
    // Each file to scan goes to the workers as soon as it is planned, so
    // planning the rest overlaps with scanning; results are taken in order below.
    // A file is claimed before anything reads it: one that another process
    // is hunting right now waits until the end, then is planned again.
    const plan: ScheduledFile[] = [];
    const deferred: Planned[] = [];
    const schedule = async (input: Planned, claimed: boolean): Promise<void> => {
      const entry = await planFile(store, input.f, planOpts, input.prior);
      if (!entry) {
        if (claimed) await store.releaseFile(input.f);
        return;
      }
      plan.push(await scheduleFile(e, entry, rep));
    };
    for (let i = 0; i < inputs.length; i += CLAIM_BATCH) {
      const batch = inputs.slice(i, i + CLAIM_BATCH);
      const holders = await store.claimFiles(batch.map((b) => b.f));
      for (let j = 0; j < batch.length; j++) {
        const holder = holders[j];
        if (holder) {
          opts.onNotice?.(`${batch[j]!.f.path}: being hunted by another process (pid ${holder.pid} on ${holder.host}); taken up when it is done`);
          deferred.push(batch[j]!);
        } else {
          await schedule(batch[j]!, true);
        }
      }
    }
    await huntScheduled(e, plan.splice(0), rep);
    for (const input of deferred) {
      while ((await store.claimFiles([input.f]))[0]) await sleep(CLAIM_POLL_MS);
      await schedule(input, true);
      await huntScheduled(e, plan.splice(0), rep);
    }
  } finally {
    progress.finish();
    await engine?.close();
  }
  result.errors = report.errors;
  return result;
}

/**
 * Reads one planned evidence file through a source per family into the
 * writer and ends it there; false (what was staged dropped) when it could
 * not be read, or is not the content a retro-hunt expected.
 */
async function stageOne(
  writer: EvidenceWriter, entry: PlannedFile, scanned: Promise<ScanResult> | undefined, ctx: SourceContext, rep: HuntReport,
): Promise<boolean> {
  const { f } = entry;
  const { report, progress, opts } = rep;
  try {
    const passes: EvidencePass[] = [];
    let sha256: string | null = null;
    for (const family of entry.passes) {
      const sink = writerSink(writer, family, report.diagnostic, (bytes, n) => progress.advance(bytes, n));
      const inScan = family === FILES_FORMAT || (family === TEXT_FORMAT && textInScan(entry, ctx));
      const stats = await evidenceSource(f, entry.gz, family, ctx, inScan ? scanned : undefined).read(sink);
      await sink.flush();
      if (stats.sha256 === null) continue;
      sha256 ??= stats.sha256;
      passes.push({ family, format: stats.format, lines: stats.lines, records: stats.records, skipped: stats.skipped });
    }
    if (sha256 === null || passes.length === 0) {
      writer.discard();
      return false;
    }
    if (entry.expectSha256 !== undefined && sha256 !== entry.expectSha256) {
      writer.discard();
      opts.onNotice?.(`${f.path}: content changed since it was hunted (sha256 ${sha256.slice(0, 12)}…, was ${entry.expectSha256.slice(0, 12)}…); not hunted again — hunt it as new evidence`);
      return false;
    }
    writer.end({ path: f.path, sha256, size: f.size, mtimeMs: f.mtimeMs, passes });
    return true;
  } catch (e) {
    writer.discard();
    report.diagnostic(diag('unreadable', f.path, `hunt failed: ${e instanceof Error ? e.message : String(e)}`));
    return false;
  }
}

/** Counts what one committed file stored, says what was a copy, and reports its stored sightings. */
async function reportOutcome(store: Store, entry: PlannedFile, out: CommitOutcome, opts: HuntReport['opts'], result: HuntResult): Promise<void> {
  const { f } = entry;
  result.hunted++;
  result.sightings += out.sightings;
  result.alreadyKnown += out.alreadyKnown;
  result.samples += out.samples;
  // A file counts once, under the format it was first read as (a text file is also scanned as a file).
  result.formats[out.format] = (result.formats[out.format] ?? 0) + 1;
  if (out.status === 'known' && out.path !== f.path) {
    result.copies++;
    opts.onNotice?.(`${f.path}: same content (sha256 ${out.sha256.slice(0, 12)}…) as ${out.path}, already in the case; ` +
      `${out.sightings} new sighting(s) added to it${out.alreadyKnown ? `, ${out.alreadyKnown} already known` : ''}`);
  }
  opts.onCommit?.(out);
  if (out.sightings > 0 && opts.onSighting) {
    const kinds = result.sinkhole;
    for await (const s of store.listSightings({ evidenceId: out.evidenceId, afterId: out.afterId })) {
      if (kinds) {
        if (s.field === SINKHOLE_FIELDS.crawler) kinds.crawlers++;
        else if (s.field === SINKHOLE_FIELDS.scanner) kinds.scanners++;
        else if (s.field === SINKHOLE_FIELDS.request) kinds.requests++;
      }
      opts.onSighting(s);
    }
  }
}
