/**
 * `sightline hunt --queue` and `rehunt --queue`: the hunt's selection, walk
 * and plan as a local hunt makes them (src/hunt/), then the planned files as
 * jobs — a job of whole files (a large one alone, small ones together), or
 * one job per range of a large plain log — and the wait: what the workers
 * report is shown as the hunt goes (progress, diagnostics, notices, the
 * sightings read back from the case), and the result is a local hunt's.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type PgBoss from 'pg-boss';
import { diag } from '../core/diagnostic.js';
import { DEFAULT_MAX_FILE_SIZE } from '../core/limits.js';
import { YaraScanner } from '../samples/index.js';
import { EVTX_READER } from '../evidence/index.js';
import { NO_PROGRESS } from '../hunt/events.js';
import {
  counting, emptyHuntResult, huntInputs, rehuntInputs, selectionFor, type Counting, type HuntOptions, type HuntResult, type Planned,
  type RehuntOptions,
} from '../hunt/hunt.js';
import { loadHuntIndex } from '../hunt/index-cache.js';
import { planRanges, RANGE_BYTES } from '../hunt/log-hunt.js';
import { FILES_FORMAT, planFile, type PlannedFile } from '../hunt/plan.js';
import { readsInRanges } from '../hunt/sources.js';
import type { HuntSelection, Store } from '../store/index.js';
import { DEFAULT_LEASE_SECONDS } from './defaults.js';
import {
  HUNT_QUEUE, JOB_RETRIES, QUEUE_SCHEMA, openQueue, type HuntJob, type HuntSpec, type JobFile, type JobReport,
  type QueueConnection,
} from './queue.js';

/** Plain logs at least this large are split into range jobs (as a local hunt splits them for its threads). */
const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
/** Files smaller than this go into jobs of several files (stored together by the worker). */
const SMALL_FILE_BYTES = 1024 * 1024;
/** Most files, and bytes, in one job of small files: enough to save transactions, few enough to spread a small estate over the workers. */
const JOB_FILES = 64;
const JOB_BYTES = 16 * 1024 * 1024;
/** How often the submitter looks at the jobs' states, reports and progress. */
const WATCH_MS = 300;
/** Jobs inserted per statement. */
const INSERT_BATCH = 1000;

export interface QueueOptions {
  /** The queue database (postgres://). */
  queue: string;
  /** A job not finished this many seconds after a worker took it is retried elsewhere (default 15 minutes). */
  leaseSeconds?: number;
}

/** `hunt --queue`: the paths' files hunted by the queue's workers. */
export async function huntOnQueue(store: Store, paths: readonly string[], opts: HuntOptions & QueueOptions): Promise<HuntResult> {
  if (opts.sinkhole !== undefined) throw new Error('a sinkhole hunt runs on this machine only: leave out --queue');
  const selection = await selectionFor(store, opts);
  const report = counting(opts);
  // Every worker reads the evidence at the same absolute path (a shared file system).
  const inputs = await huntInputs(store, paths.map((p) => resolve(p)), opts, report);
  return submitAndWait(store, selection, inputs, opts, report, paths);
}

/** `rehunt --queue`: the case's evidence hunted again by the queue's workers. */
export async function rehuntOnQueue(store: Store, opts: RehuntOptions & QueueOptions): Promise<HuntResult> {
  const selection = await selectionFor(store, opts);
  const report = counting(opts);
  return submitAndWait(store, selection, await rehuntInputs(store, opts), opts, report, []);
}

/** The case's location as every worker opens it: a file path made absolute, a URL as given. */
function sharedCaseLocation(store: Store): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(store.location) ? store.location : resolve(store.location);
}

async function submitAndWait(
  store: Store, selection: HuntSelection, inputs: readonly Planned[], opts: (HuntOptions | RehuntOptions) & QueueOptions, report: Counting,
  paths: readonly string[],
): Promise<HuntResult> {
  const result = emptyHuntResult(inputs.length, false);
  const progress = opts.progress ?? NO_PROGRESS;
  const lease = opts.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  if (!(Number.isInteger(lease) && lease >= 1)) throw new Error('the lease is a whole number of seconds, at least 1');
  // Expired leases are looked for a few times per lease by this process (workers look too, less often).
  const q = await openQueue(opts.queue, { maintenanceSeconds: Math.min(30, Math.max(1, Math.floor(lease / 3))) });
  progress.start(inputs.reduce((n, p) => n + p.f.size, 0), 'sightings');
  try {
    // The index is built (and kept in the case's folder, where the workers load it) before any job is queued.
    const { count, yaraIds } = await loadHuntIndex(store, selection);
    result.indicators = count;
    const spec: HuntSpec = {
      id: randomUUID(), case: sharedCaseLocation(store), selection,
      maxFileSize: opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, parallelMinBytes: opts.parallelMinBytes ?? PARALLEL_MIN_BYTES,
    };
    const planned: PlannedFile[] = [];
    for (const input of inputs) {
      const entry = await planFile(store, input.f, {
        format: 'format' in opts ? opts.format : undefined, maxFileSize: spec.maxFileSize, selection, report: report.diagnostic,
        onNotice: opts.onNotice, onLeftOut: (f) => progress.advance(f.size), onAlreadyHunted: () => { result.alreadyHunted++; },
        // The workers read EVTX files with the build's reader: the same one plans them here.
        evtxReader: EVTX_READER,
      }, input.prior);
      if (entry) planned.push(entry);
    }
    // The rules' diagnostics are said once, here; the workers compile them quietly.
    if (yaraIds.size > 0 && planned.some((p) => p.passes.includes(FILES_FORMAT))) {
      const filter = { includeWarninglisted: selection.includeWarninglisted, gen: selection.gen, ...(selection.campaign !== undefined ? { campaign: selection.campaign } : {}) };
      YaraScanner.validate(await store.yaraSources(filter), report.diagnostic);
    }
    const jobs = await cutJobs(spec, planned, opts.rangeBytes ?? RANGE_BYTES, await store.hostIdParams());
    const ids = await submit(q, spec, jobs, paths, inputs, lease);
    await watch(store, q, spec.id, ids, jobs, opts, report, result, progress);
  } finally {
    progress.finish();
    await q.close();
  }
  result.errors = report.errors;
  return result;
}

/** Planned files as jobs: each range of a large plain log, each large file, and small files in groups. */
async function cutJobs(spec: HuntSpec, planned: readonly PlannedFile[], rangeBytes: number, hostIdParams: readonly string[]): Promise<HuntJob[]> {
  const jobs: HuntJob[] = [];
  let small: JobFile[] = [];
  let smallBytes = 0;
  const flush = () => {
    if (small.length > 0) jobs.push({ hunt: spec, kind: 'files', files: small });
    small = [];
    smallBytes = 0;
  };
  for (const p of planned) {
    const jf: JobFile = { path: p.f.path, size: p.f.size, mtimeMs: p.f.mtimeMs, gz: p.gz, passes: p.passes, ...(p.expectSha256 !== undefined ? { expectSha256: p.expectSha256 } : {}) };
    const family = p.passes[0]!;
    if (p.passes.length === 1 && readsInRanges(p.f, p.gz, family, spec.parallelMinBytes)) {
      const tasks = await planRanges(p.f, family, rangeBytes, { hostIdParams });
      tasks.forEach((task, index) => jobs.push({ hunt: spec, kind: 'range', file: jf, family, index, count: tasks.length, task }));
    } else if (p.f.size < SMALL_FILE_BYTES) {
      small.push(jf);
      smallBytes += jf.size;
      if (small.length >= JOB_FILES || smallBytes >= JOB_BYTES) flush();
    } else {
      jobs.push({ hunt: spec, kind: 'files', files: [jf] });
    }
  }
  flush();
  return jobs;
}

/** Records the hunt and queues its jobs; their ids, in order. */
async function submit(
  q: QueueConnection, spec: HuntSpec, jobs: readonly HuntJob[], paths: readonly string[], inputs: readonly Planned[], lease: number,
): Promise<string[]> {
  await q.db.query(`INSERT INTO ${QUEUE_SCHEMA}.hunt(id, case_location, paths, jobs, files, total_bytes) VALUES ($1, $2, $3, $4, $5, $6)`,
    [spec.id, spec.case, JSON.stringify(paths), jobs.length, inputs.length, inputs.reduce((n, p) => n + p.f.size, 0)]);
  const ids = jobs.map(() => randomUUID());
  for (let i = 0; i < jobs.length; i += INSERT_BATCH) {
    await q.boss.insert(jobs.slice(i, i + INSERT_BATCH).map((data, j): PgBoss.JobInsert => ({
      id: ids[i + j]!, name: HUNT_QUEUE, data, expireInSeconds: lease, retryLimit: JOB_RETRIES, retryDelay: 0,
    })));
  }
  return ids;
}

/** The states of a hunt's jobs, wherever pg-boss keeps them (its job table, or its archive once they are old). */
async function jobStates(q: QueueConnection, ids: readonly string[]): Promise<Map<string, { state: string; output: unknown }>> {
  const out = new Map<string, { state: string; output: unknown }>();
  const { rows } = await q.db.query<{ id: string; state: string; output: unknown }>(
    `SELECT id, state, output FROM sightline_boss.job WHERE name = $1 AND id = ANY($2::uuid[])
     UNION ALL SELECT id, state, output FROM sightline_boss.archive WHERE name = $1 AND id = ANY($2::uuid[])`, [HUNT_QUEUE, ids]);
  for (const r of rows) out.set(r.id, { state: r.state, output: r.output });
  return out;
}

/** Waits for every job to complete or fail, passing on what the workers report as it comes. */
async function watch(
  store: Store, q: QueueConnection, huntId: string, ids: readonly string[], jobs: readonly HuntJob[],
  opts: Pick<HuntOptions, 'onSighting' | 'onNotice'>, report: Counting, result: HuntResult, progress: NonNullable<HuntOptions['progress']>,
): Promise<void> {
  let seq = 0;
  let shownBytes = 0;
  let shownSightings = 0;
  const jobOf = new Map(ids.map((id, i) => [id, jobs[i]!]));
  for (;;) {
    // States first, then reports: a job completes only after its report is in, so a completed job's report is read below.
    const states = await jobStates(q, ids);
    const { rows } = await q.db.query<{ seq: string; report: JobReport }>(
      `SELECT seq, report FROM ${QUEUE_SCHEMA}.job_report WHERE hunt_id = $1 AND seq > $2 ORDER BY seq`, [huntId, seq]);
    for (const r of rows) {
      seq = Number(r.seq);
      await take(store, r.report, opts, report, result);
    }
    const p = await q.db.query<{ bytes: string | null; sightings: string | null }>(
      `SELECT sum(bytes) AS bytes, sum(sightings) AS sightings FROM ${QUEUE_SCHEMA}.job_progress WHERE hunt_id = $1`, [huntId]);
    const bytes = Number(p.rows[0]?.bytes ?? 0);
    const sightings = Number(p.rows[0]?.sightings ?? 0);
    // A retried job starts its count again: the bar never goes back.
    if (bytes > shownBytes || sightings > shownSightings) {
      progress.advance(Math.max(0, bytes - shownBytes), Math.max(0, sightings - shownSightings));
      shownBytes = Math.max(shownBytes, bytes);
      shownSightings = Math.max(shownSightings, sightings);
    }
    const open = ids.filter((id) => {
      const s = states.get(id)?.state;
      return s !== 'completed' && s !== 'failed' && s !== 'cancelled';
    });
    if (open.length === 0) {
      for (const [id, s] of states) {
        if (s.state === 'completed') continue;
        const job = jobOf.get(id)!;
        const why = jobFailure(s.output);
        const files = job.kind === 'range' ? [job.file.path] : job.files.map((f) => f.path);
        for (const path of files) {
          report.diagnostic(diag('unreadable', path, `${job.kind === 'range' ? `range ${job.index + 1}/${job.count}: ` : ''}` +
            `the queue's job ${s.state} after ${JOB_RETRIES + 1} tries (${why}); not hunted`));
        }
      }
      break;
    }
    await sleep(WATCH_MS);
  }
  await q.db.query(`UPDATE ${QUEUE_SCHEMA}.hunt SET finished_at = now() WHERE id = $1`, [huntId]);
  await q.db.query(`DELETE FROM ${QUEUE_SCHEMA}.job_progress WHERE hunt_id = $1`, [huntId]);
}

/** The message a failed job's output carries. */
function jobFailure(output: unknown): string {
  const o = output as { message?: unknown; value?: { message?: unknown } } | null;
  const m = o?.message ?? o?.value?.message;
  return typeof m === 'string' ? m : 'no reason given';
}

/** One job's report: its diagnostics and notices said, its counts added, its stored sightings read back from the case and passed on. */
async function take(store: Store, r: JobReport, opts: Pick<HuntOptions, 'onSighting' | 'onNotice'>, report: Counting, result: HuntResult): Promise<void> {
  for (const d of r.diagnostics) report.diagnostic(d);
  for (const n of r.notices) opts.onNotice?.(n);
  result.hunted += r.counts.hunted;
  result.copies += r.counts.copies;
  result.sightings += r.counts.sightings;
  result.alreadyKnown += r.counts.alreadyKnown;
  result.samples += r.counts.samples;
  for (const [f, n] of Object.entries(r.counts.formats)) result.formats[f] = (result.formats[f] ?? 0) + n;
  for (const c of r.commits) {
    // A commit's sightings are its evidence's first `sightings` rows above `afterId` (a commit holds the case's write lock).
    if (c.sightings > 0) for await (const s of store.listSightings({ evidenceId: c.evidenceId, afterId: c.afterId, limit: c.sightings })) opts.onSighting(s);
  }
}
