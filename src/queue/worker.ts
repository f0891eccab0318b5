/**
 * `sightline worker`: takes hunt jobs from the queue and hunts each with the
 * hunt's own code (src/hunt/hunt.ts: huntScheduled), committing into the
 * hunt's case. A job of whole files plans nothing again but asks the case
 * which of their passes are still open (a retried job whose first try
 * committed adds nothing); a range job stores its result in the queue, and
 * the job that stores a file's last range commits the whole file, as a local
 * hunt does: one evidence row, all-or-nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type PgBoss from 'pg-boss';
import type pg from 'pg';
import type { Diagnostic } from '../core/diagnostic.js';
import { NO_PROGRESS, type ProgressListener } from '../hunt/events.js';
import {
  counting, emptyHuntResult, huntScheduled, openHuntEngine, scheduleFile, type HuntEngine, type HuntReport, type ScheduledFile,
} from '../hunt/hunt.js';
import type { RangeRunner } from '../hunt/log-hunt.js';
import { huntRange, type RangeResult, type RangeTask } from '../hunt/log-range.js';
import { uncoveredPasses, type PlannedFile } from '../hunt/plan.js';
import { openStore, type CommitOutcome, type Store } from '../store/index.js';
import {
  HUNT_QUEUE, POLL_MS, QUEUE_SCHEMA, openQueue, type HuntJob, type HuntSpec, type JobCommit, type JobFile, type JobReport, type QueueConnection,
} from './queue.js';

/** Hunts whose engines (index, rules, pool) a worker keeps loaded between jobs. */
const KEPT_ENGINES = 2;
/** How often a job's progress is written to the queue. */
const PROGRESS_WRITE_MS = 500;
/** Range results read ahead of the one being put together. */
const STORED_RANGES_AHEAD = 2;

export interface WorkerOptions {
  /** Jobs taken at once (default 1); with 2 or more, ranges and scans run in that many worker threads. */
  concurrency?: number;
  /** Stops taking jobs when aborted; the jobs under way are finished first. */
  signal?: AbortSignal;
  /** Seconds between this process's looks for jobs whose lease expired (default 30). */
  maintenanceSeconds?: number;
  /** A job started, done or failed (for the worker's log). */
  onJob?(event: { id: string; state: 'started' | 'done' | 'failed'; what: string; message?: string }): void;
}

/** One line saying what a job is. */
export function describeJob(job: HuntJob): string {
  if (job.kind === 'range') return `range ${job.index + 1}/${job.count} of ${job.file.path} (${job.family})`;
  return job.files.length === 1 ? job.files[0]!.path : `${job.files.length} files (${job.files[0]!.path} …)`;
}

/** Takes jobs until `signal` is aborted. */
export async function runWorker(url: string, opts: WorkerOptions = {}): Promise<void> {
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  const q = await openQueue(url, { maintenanceSeconds: opts.maintenanceSeconds ?? 30 });
  const cases = new CaseConnections();
  const engines = new Engines(concurrency);
  const running = new Set<Promise<void>>();
  try {
    while (!opts.signal?.aborted) {
      if (running.size >= concurrency) {
        await Promise.race(running);
        continue;
      }
      const jobs = await q.boss.fetch<HuntJob>(HUNT_QUEUE, { batchSize: concurrency - running.size });
      if (jobs.length === 0) {
        await sleep(POLL_MS, undefined, opts.signal ? { signal: opts.signal } : {}).catch(() => undefined);
        continue;
      }
      for (const job of jobs) {
        const p: Promise<void> = runJob(q, cases, engines, job, opts).finally(() => { running.delete(p); });
        running.add(p);
      }
    }
    await Promise.all(running);
  } finally {
    await engines.close();
    await cases.close();
    await q.close();
  }
}

/** Hunts one job, reports it to the submitter, and completes it; a job that throws is failed (pg-boss retries it). */
async function runJob(q: QueueConnection, cases: CaseConnections, engines: Engines, job: PgBoss.Job<HuntJob>, opts: WorkerOptions): Promise<void> {
  const what = describeJob(job.data);
  opts.onJob?.({ id: job.id, state: 'started', what });
  try {
    const spec = job.data.hunt;
    const store = await cases.take(spec.case);
    try {
      const engine = await engines.take(spec, store);
      try {
        const report = await huntJob(q.db, engine, job.id, job.data);
        await q.db.query(`INSERT INTO ${QUEUE_SCHEMA}.job_report(job_id, hunt_id, report) VALUES ($1, $2, $3) ON CONFLICT (job_id) DO NOTHING`,
          [job.id, spec.id, JSON.stringify(report)]);
      } finally {
        engines.give(spec.id);
      }
    } finally {
      cases.give(spec.case, store);
    }
    await q.boss.complete(HUNT_QUEUE, job.id);
    opts.onJob?.({ id: job.id, state: 'done', what });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await q.boss.fail(HUNT_QUEUE, job.id, { message }).catch(() => undefined);
    opts.onJob?.({ id: job.id, state: 'failed', what, message });
  }
}

/** Hunts a job's files, or its range (and, the last range of a file in, the file's commit). */
async function huntJob(db: pg.Pool, engine: HuntEngine, jobId: string, job: HuntJob): Promise<JobReport> {
  const progress = jobProgress(db, jobId, job.hunt.id);
  const diagnostics: Diagnostic[] = [];
  const notices: string[] = [];
  const commits: JobCommit[] = [];
  const result = emptyHuntResult(0, false);
  const rep = (listener: ProgressListener): HuntReport => ({
    opts: {
      onNotice: (m) => { notices.push(m); },
      onCommit: (out: CommitOutcome) => { commits.push({ evidenceId: out.evidenceId, afterId: out.afterId, sightings: out.sightings }); },
    },
    report: counting({ onDiagnostic: (d) => { diagnostics.push(d); } }),
    result, progress: listener,
  });
  try {
    if (job.kind === 'files') {
      const r = rep(progress);
      const items: ScheduledFile[] = [];
      for (const jf of job.files) {
        const entry = await stillOpen(engine, jf, jf.passes);
        if (entry) items.push(await scheduleFile(engine, entry, r));
        else progress.advance(jf.size);
      }
      await huntScheduled(engine, items, r);
    } else {
      const r = engine.pool ? await engine.pool.run({ kind: 'range', task: job.task }) as RangeResult : huntRange(job.task, engine.ctx.index);
      progress.advance(r.bytes, r.sightings.length);
      if (await storeRange(db, job, r)) {
        // The file's last range: put the ranges together and commit the file as a local hunt would (its bytes were counted by each range).
        const entry = await stillOpen(engine, job.file, [job.family]);
        if (entry) {
          const quiet = rep(NO_PROGRESS);
          const item = await scheduleFile(engine, entry, quiet);
          item.ranges = storedRanges(db, job.hunt.id, job.file.path, job.family);
          await huntScheduled(engine, [item], quiet);
        }
        await db.query(`DELETE FROM ${QUEUE_SCHEMA}.range_result WHERE hunt_id = $1 AND path = $2 AND family = $3`,
          [job.hunt.id, job.file.path, job.family]);
      }
    }
  } finally {
    await progress.close();
  }
  const { hunted, copies, sightings, alreadyKnown, samples, formats } = result;
  return { counts: { hunted, copies, sightings, alreadyKnown, samples, formats }, diagnostics, notices, commits };
}

/** The file with the passes the case has still not covered for the hunt's selection, or null when none is left. */
async function stillOpen(engine: HuntEngine, jf: JobFile, passes: readonly string[]): Promise<PlannedFile | null> {
  const f = { path: jf.path, size: jf.size, mtimeMs: jf.mtimeMs };
  const { open } = await uncoveredPasses(engine.store, f, passes, engine.selection);
  if (open.length === 0) return null;
  return { f, gz: jf.gz, passes: open, ...(jf.expectSha256 !== undefined ? { expectSha256: jf.expectSha256 } : {}) };
}

/**
 * Stores a range's result; true when it was the file's last one missing.
 * Under a lock per file, so of two jobs storing the last two ranges at once,
 * one sees the file whole. A retried job stores nothing new (its row is
 * there) and, if it was the last, commits again: the case's coverage makes
 * that a no-op when the first try had committed.
 */
async function storeRange(db: pg.Pool, job: Extract<HuntJob, { kind: 'range' }>, r: RangeResult): Promise<boolean> {
  const c = await db.connect();
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${job.hunt.id}\n${job.file.path}\n${job.family}`]);
    await c.query(`INSERT INTO ${QUEUE_SCHEMA}.range_result(hunt_id, path, family, idx, task, result) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT DO NOTHING`, [job.hunt.id, job.file.path, job.family, job.index, JSON.stringify(job.task), JSON.stringify(r)]);
    const { rows } = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${QUEUE_SCHEMA}.range_result
      WHERE hunt_id = $1 AND path = $2 AND family = $3`, [job.hunt.id, job.file.path, job.family]);
    await c.query('COMMIT');
    return Number(rows[0]!.n) === job.count;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

/** A file's ranges as the queue stored them, read in order: what huntRanges puts together instead of the worker pool's answers. */
function storedRanges(db: pg.Pool, huntId: string, path: string, family: string): RangeRunner {
  return {
    ahead: STORED_RANGES_AHEAD,
    async tasks() {
      const { rows } = await db.query<{ task: RangeTask }>(`SELECT task FROM ${QUEUE_SCHEMA}.range_result
        WHERE hunt_id = $1 AND path = $2 AND family = $3 ORDER BY idx`, [huntId, path, family]);
      return rows.map((r) => r.task);
    },
    async run(_task, i) {
      const { rows } = await db.query<{ result: RangeResult }>(`SELECT result FROM ${QUEUE_SCHEMA}.range_result
        WHERE hunt_id = $1 AND path = $2 AND family = $3 AND idx = $4`, [huntId, path, family, i]);
      if (rows.length === 0) throw new Error(`range ${i + 1} of ${path} is no longer in the queue (committed by another try of this job)`);
      return rows[0]!.result;
    },
  };
}

/** A job's progress, written to the queue at most every PROGRESS_WRITE_MS (the submitter draws it). */
function jobProgress(db: pg.Pool, jobId: string, huntId: string): ProgressListener & { close(): Promise<void> } {
  let bytes = 0;
  let sightings = 0;
  let last = 0;
  let writing: Promise<void> | null = null;
  const write = () => {
    last = Date.now();
    const w: Promise<void> = db.query(`INSERT INTO ${QUEUE_SCHEMA}.job_progress(job_id, hunt_id, bytes, sightings) VALUES ($1, $2, $3, $4)
      ON CONFLICT (job_id) DO UPDATE SET bytes = excluded.bytes, sightings = excluded.sightings`, [jobId, huntId, bytes, sightings])
      // Progress is a courtesy: a failed write is made good by the next one.
      .then(() => undefined, () => undefined)
      .finally(() => { if (writing === w) writing = null; });
    writing = w;
    return w;
  };
  return {
    start() {},
    advance(b, n = 0) {
      bytes += b;
      sightings += n;
      if (writing === null && Date.now() - last >= PROGRESS_WRITE_MS) void write();
    },
    finish() {},
    async close() {
      if (writing) await writing;
      await write();
    },
  };
}

/** Connections to the cases jobs name, one per job under way (an evidence writer is one per connection), kept for the next jobs. */
class CaseConnections {
  private readonly free = new Map<string, Store[]>();
  private readonly all: Store[] = [];

  async take(location: string): Promise<Store> {
    const s = this.free.get(location)?.pop();
    if (s) return s;
    const store = await openStore(location);
    this.all.push(store);
    return store;
  }

  give(location: string, store: Store): void {
    const list = this.free.get(location) ?? [];
    list.push(store);
    this.free.set(location, list);
  }

  async close(): Promise<void> {
    for (const s of this.all.splice(0)) await s.close();
    this.free.clear();
  }
}

/**
 * The engines of the hunts a worker takes jobs of: the index loaded (from
 * the case's index folder when the submitter kept one there) and the rules
 * compiled once per hunt, shared by the jobs under way; each job hunts with
 * its own connection to the case. The oldest unused are closed past KEPT_ENGINES.
 */
class Engines {
  private readonly engines = new Map<string, { engine: Promise<HuntEngine>; users: number }>();

  constructor(private readonly concurrency: number) {}

  async take(spec: HuntSpec, store: Store): Promise<HuntEngine> {
    let e = this.engines.get(spec.id);
    if (!e) {
      const engine = openHuntEngine(store, spec.selection, {
        workers: this.concurrency, pool: this.concurrency >= 2, maxFileSize: spec.maxFileSize, parallelMinBytes: spec.parallelMinBytes,
      }).then(async (en) => {
        // The submitter reported the rules' diagnostics once: a worker compiles them quietly.
        await en.prepareYara(() => undefined);
        return en;
      });
      e = { engine, users: 1 };
      this.engines.set(spec.id, e);
      await this.evict();
    } else {
      e.users++;
    }
    try {
      return { ...await e.engine, store };
    } catch (err) {
      e.users--;
      this.engines.delete(spec.id);
      throw err;
    }
  }

  give(id: string): void {
    const e = this.engines.get(id);
    if (e) e.users--;
  }

  private async evict(): Promise<void> {
    for (const [id, e] of this.engines) {
      if (this.engines.size <= KEPT_ENGINES) break;
      if (e.users > 0) continue;
      this.engines.delete(id);
      await (await e.engine.catch(() => null))?.close();
    }
  }

  async close(): Promise<void> {
    for (const e of this.engines.values()) await (await e.engine.catch(() => null))?.close();
    this.engines.clear();
  }
}
