/**
 * `sightline hunt`: reads every log, capture and file given, matches every
 * observation against the case's indicators, reports each sighting as it is
 * found, and stores each evidence file's sightings in one transaction.
 */
import { availableParallelism } from 'node:os';
import type { IndicatorType, Observation, Sighting } from '../core/model.js';
import { diag, type Diagnostic } from '../core/diagnostic.js';
import { DEFAULT_MAX_FILE_SIZE, STORE_BATCH_ROWS } from '../core/limits.js';
import { LOG_FORMATS, CAPTURE_FORMATS } from '../evidence/index.js';
import { IndicatorIndex } from '../matching/index.js';
import { YaraScanner, walkPaths, type FoundFile } from '../samples/index.js';
import type { SightingInput, Store } from '../store/store.js';
import { scanFileAt, type ScanResult } from './scan-files.js';
import type { HuntTask, HuntTaskResult, HuntWorkerSetup } from './hunt-worker.js';
import { matchObservation, type RawSighting } from './match.js';
import { Progress } from './progress.js';
import { FILES_FORMAT, planFiles, type PlannedFile } from './plan.js';
import { hashFile, huntRanges, huntStream, RANGE_BYTES, type LogHuntStats } from './log-hunt.js';
import { WorkerPool, workerUrl } from './worker-pool.js';
import { readCaptureFile } from './capture/index.js';

/** Plain text logs larger than this are split into ranges for worker threads. */
const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

export { FILES_FORMAT };

/** Every evidence format family `--format` accepts. */
export const HUNT_FORMATS: readonly string[] = [...LOG_FORMATS, ...CAPTURE_FORMATS, FILES_FORMAT];

export interface HuntOptions {
  campaign?: string;
  /** A format family from HUNT_FORMATS, or 'auto'. */
  format?: string;
  includeWarninglisted?: boolean;
  /** Worker threads for large logs (default: the machine's cores) and captures (default: none, one thread). */
  workers?: number;
  progress?: boolean;
  /** Files scanned as samples larger than this are skipped (default 256 MB). */
  maxFileSize?: number;
  /** Plain logs at least this large are split across workers (default 32 MiB; tests set it low). */
  parallelMinBytes?: number;
  /** Size of one worker range (default 16 MiB). */
  rangeBytes?: number;
  onSighting(s: Sighting): void;
  onDiagnostic(d: Diagnostic): void;
  /** Notices that are neither sightings nor diagnostics ("already hunted"). */
  onNotice?(message: string): void;
}

export interface HuntResult {
  files: number;
  hunted: number;
  alreadyHunted: number;
  sightings: number;
  indicators: number;
  /** Error diagnostics: records or files skipped. */
  errors: number;
  formats: Record<string, number>;
  /** Samples recorded (scanned files and archive members). */
  samples: number;
}

/** Thrown to leave a file that was already reported as skipped. */
class SkippedFile extends Error {}

interface IndicatorInfo { type: IndicatorType; value: string; campaigns: string[] }

/** Loads the hunt's indicators and builds the index once. */
async function loadIndex(store: Store, campaign: string | undefined, includeWarninglisted: boolean) {
  const info = new Map<number, IndicatorInfo>();
  const entries: { id: number; type: IndicatorType; value: string }[] = [];
  const filter = { includeWarninglisted, ...(campaign !== undefined ? { campaign } : {}) };
  for await (const page of store.huntIndicators(filter)) {
    for (const h of page) {
      info.set(h.id, { type: h.type, value: h.value, campaigns: h.campaigns });
      if (h.type !== 'yara') entries.push({ id: h.id, type: h.type, value: h.value });
    }
  }
  return { info, index: IndicatorIndex.build(entries) };
}

/** Runs a hunt over `paths`. */
export async function hunt(store: Store, paths: readonly string[], opts: HuntOptions): Promise<HuntResult> {
  const result: HuntResult = { files: 0, hunted: 0, alreadyHunted: 0, sightings: 0, indicators: 0, errors: 0, formats: {}, samples: 0 };
  let progress: Progress | null = null;
  const report = (d: Diagnostic) => {
    if (d.severity === 'error') result.errors++;
    progress?.clear();
    opts.onDiagnostic(d);
  };
  let campaign: string | undefined;
  if (opts.campaign !== undefined) {
    const name = await store.resolveCampaign(opts.campaign);
    if (name === null) throw new Error(`no campaign named ${JSON.stringify(opts.campaign)} in this case`);
    campaign = name;
  }
  const includeWarninglisted = opts.includeWarninglisted ?? false;
  const files: FoundFile[] = [];
  for await (const f of walkPaths(paths, { onDiagnostic: report })) files.push(f);
  result.files = files.length;
  const bar = new Progress(files.reduce((n, f) => n + f.size, 0), 'sightings', process.stderr,
    Boolean(opts.progress && process.stderr.isTTY));
  progress = bar;
  const maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const workers = Math.max(1, opts.workers ?? availableParallelism());
  const parallelMin = opts.parallelMinBytes ?? PARALLEL_MIN_BYTES;
  // Workers start loading their code now, while the case's indicators load:
  // for several files (scans run in parallel) or one large one (ranges).
  const pool: WorkerPool<HuntTask, HuntTaskResult> | null = workers >= 2 && (files.length >= 2 || files.some((f) => f.size >= parallelMin))
    ? new WorkerPool(workerUrl(import.meta.url, 'hunt-worker'), workers, {})
    : null;
  const { info, index } = await loadIndex(store, campaign, includeWarninglisted);
  result.indicators = info.size;
  pool?.broadcast({ index: index.toShared() } satisfies HuntWorkerSetup);
  const yaraIds = new Map<string, number>();
  for (const [id, i] of info) if (i.type === 'yara') yaraIds.set(i.value, id);
  // YARA rules are compiled here once, before the first file to scan (their
  // diagnostics reported once), and once in each worker.
  let yara: YaraScanner | null | undefined;
  const prepareYara = async () => {
    if (yara !== undefined) return;
    const sources = yaraIds.size === 0 ? [] : await store.yaraSources({ includeWarninglisted, ...(campaign !== undefined ? { campaign } : {}) });
    yara = sources.length === 0 ? null : YaraScanner.compile(sources, report);
    if (yara) pool?.broadcast({ yara: { sources, ids: [...yaraIds] } } satisfies HuntWorkerSetup);
  };
  // Each file to scan goes to the workers as soon as it is planned, so
  // planning the rest overlaps with scanning; results are taken in order below.
  const scanning = new Map<PlannedFile, Promise<HuntTaskResult>>();
  const plan = await planFiles(store, files, {
    format: opts.format, maxFileSize, report, progress: bar, onNotice: opts.onNotice,
    onAlreadyHunted: () => { result.alreadyHunted++; },
  }, async (p) => {
    if (p.family !== FILES_FORMAT) return;
    await prepareYara();
    if (pool) scanning.set(p, pool.run({ kind: 'scan', task: { path: p.f.path, maxFileSize } }));
  });

  try {
    for (const entry of plan) {
      const { f, gz, family } = entry;
      const writer = await store.beginEvidence();
      let format = family;
      let pendingRows: SightingInput[] = [];
      const writes: Promise<void>[] = [];
      const record = (s: RawSighting, fmt: string) => {
        const ind = info.get(s.indicatorId);
        if (!ind) return;
        result.sightings++;
        const evidence: Sighting['evidence'] = { path: f.path, format: fmt };
        if (s.line !== undefined) evidence.line = s.line;
        if (s.packet !== undefined) evidence.packet = s.packet;
        if (s.inside !== undefined) evidence.inside = s.inside;
        bar.clear();
        const sighting: Sighting = {
          indicator: { type: ind.type, value: ind.value, campaigns: ind.campaigns },
          matched: s.matched, field: s.field,
          ts: s.ts === null ? null : new Date(s.ts).toISOString(),
          src: s.src, dst: s.dst, evidence,
        };
        if (s.yara) sighting.yara = s.yara;
        opts.onSighting(sighting);
        progress.advance(0, 1);
        pendingRows.push(s);
        if (pendingRows.length >= STORE_BATCH_ROWS) {
          writes.push(writer.addSightings(pendingRows));
          pendingRows = [];
        }
      };
      try {
        let stats: LogHuntStats;
        const isCapture = (CAPTURE_FORMATS as readonly string[]).includes(family);
        if (family === FILES_FORMAT) {
          let scanned: ScanResult;
          const pending = scanning.get(entry);
          if (pending) {
            scanned = await pending as ScanResult;
            scanning.delete(entry);
          } else {
            scanned = await scanFileAt(f.path, maxFileSize, { index, yara: yara ?? null, yaraIds });
          }
          for (const d of scanned.diagnostics) report(d);
          if (scanned.sha256 === null) throw new SkippedFile();
          for (const s of scanned.sightings) record(s, FILES_FORMAT);
          for (let i = 0; i < scanned.samples.length; i += STORE_BATCH_ROWS) writes.push(writer.addSamples(scanned.samples.slice(i, i + STORE_BATCH_ROWS)));
          result.samples += scanned.samples.length;
          progress.advance(f.size);
          stats = { lines: 0, records: scanned.samples.length, skipped: 0, sha256: scanned.sha256, format: FILES_FORMAT };
        } else if (isCapture) {
          const ids: number[] = [];
          const hashing = hashFile(f.path);
          const cap = await readCaptureFile(f.path, f.path, (batch: readonly Observation[]) => {
            for (const o of batch) matchObservation(index, o, ids, (s) => record(s, format));
          }, report, {
            // One thread decodes a capture faster than a framer feeding
            // decoder workers on two cores (bench/hunt-pcap); workers only when asked.
            ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
            onProgress: (n: number) => progress.advance(n),
          });
          format = cap.format;
          stats = { lines: cap.packets, records: cap.packets, skipped: cap.skipped, sha256: await hashing, format };
        } else if (gz || f.size < parallelMin || !pool) {
          stats = await huntStream(f, family, gz, index, report, (s, fmt) => { format = fmt; record(s, fmt); }, progress);
          format = stats.format;
        } else {
          const r = await huntRanges(f, family, pool, index, report, record, progress, opts.rangeBytes ?? RANGE_BYTES);
          format = r.format;
          stats = r;
        }
        if (pendingRows.length > 0) writes.push(writer.addSightings(pendingRows));
        await Promise.all(writes);
        const outcome = await writer.commit({
          path: f.path, sha256: stats.sha256, format, size: f.size, mtimeMs: f.mtimeMs,
          lines: stats.lines, records: stats.records, skipped: stats.skipped,
        });
        if (outcome === 'duplicate') {
          result.alreadyHunted++;
          opts.onNotice?.(`${f.path}: same content (sha256 ${stats.sha256.slice(0, 12)}…) already hunted; nothing added`);
        } else {
          result.hunted++;
          result.formats[format] = (result.formats[format] ?? 0) + 1;
        }
      } catch (e) {
        await writer.rollback();
        if (!(e instanceof SkippedFile)) report(diag('unreadable', f.path, `hunt failed: ${e instanceof Error ? e.message : String(e)}`));
      }
    }
  } finally {
    progress.finish();
    if (pool) await pool.close();
  }
  return result;
}

