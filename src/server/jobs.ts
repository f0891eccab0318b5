/**
 * Background jobs: an uploaded intel file imported, or an uploaded evidence
 * file hunted. Jobs run one at a time, in the order they were submitted (a
 * case connection stages one import or one hunt at a time), and report
 * their progress as the library's ProgressListener events. Jobs are kept in
 * memory: the last MAX_FINISHED_JOBS finished ones, and every one not yet
 * finished.
 */
import { randomBytes } from 'node:crypto';
import { formatDiagnostic, type Diagnostic, type ProgressListener } from '../index.js';

/** Finished jobs kept for `GET /api/jobs/{id}`. */
export const MAX_FINISHED_JOBS = 200;
/** Diagnostics kept per job, as text (the count goes on). */
export const MAX_JOB_DIAGNOSTICS = 50;

export type JobKind = 'intel' | 'hunt';
export type JobState = 'queued' | 'running' | 'done' | 'failed';

/** A job as `GET /api/jobs/{id}` returns it. */
export interface Job {
  id: string;
  kind: JobKind;
  state: JobState;
  /** The uploaded file: its name as stored, size and sha256. */
  file: { name: string; size: number; sha256: string };
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Bytes read of `total` (null until the job knows), and items counted (sightings, indicators) with their label. */
  progress: { bytes: number; total: number | null; items: number; label: string | null };
  /** What the job did (the library's result, plus the evidence a hunt stored); null until done. */
  result: Record<string, unknown> | null;
  diagnostics: { count: number; errors: number; messages: string[] };
  /** Why a failed job failed. */
  error: string | null;
}

/** What a job's task is given: where to report progress and diagnostics. */
export interface JobContext {
  progress: ProgressListener;
  onDiagnostic(d: Diagnostic): void;
}

export type JobTask = (ctx: JobContext) => Promise<Record<string, unknown>>;

export class JobRunner {
  private readonly jobs = new Map<string, Job>();
  private tail: Promise<void> = Promise.resolve();

  /** Queues a task; it starts when the jobs before it are done. `cleanup` runs after it, however it ends. */
  submit(kind: JobKind, file: Job['file'], task: JobTask, cleanup?: () => Promise<void>): Job {
    const job: Job = {
      id: randomBytes(12).toString('base64url'), kind, state: 'queued', file, createdAt: new Date().toISOString(), startedAt: null,
      finishedAt: null, progress: { bytes: 0, total: null, items: 0, label: null }, result: null,
      diagnostics: { count: 0, errors: 0, messages: [] }, error: null,
    };
    this.jobs.set(job.id, job);
    this.tail = this.tail.then(() => this.run(job, task, cleanup));
    this.prune();
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Every job kept, newest first. */
  list(): Job[] {
    return [...this.jobs.values()].reverse();
  }

  /** Resolves when every job submitted so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }

  private async run(job: Job, task: JobTask, cleanup?: () => Promise<void>): Promise<void> {
    job.state = 'running';
    job.startedAt = new Date().toISOString();
    const progress: ProgressListener = {
      start(total, label) { job.progress.total = total; job.progress.label = label; },
      advance(bytes, items) { job.progress.bytes += bytes; job.progress.items += items ?? 0; },
      finish() {},
    };
    const onDiagnostic = (d: Diagnostic) => {
      job.diagnostics.count++;
      if (d.severity === 'error') job.diagnostics.errors++;
      if (job.diagnostics.messages.length < MAX_JOB_DIAGNOSTICS) job.diagnostics.messages.push(formatDiagnostic(d));
    };
    let result: Record<string, unknown> | null = null;
    let error: string | null = null;
    try {
      result = await task({ progress, onDiagnostic });
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    // Cleaned up before the job is said to be finished: a client that sees it done finds its upload gone.
    await cleanup?.().catch(() => {});
    if (error === null) {
      job.result = result;
      job.state = 'done';
      if (job.progress.total !== null) job.progress.bytes = job.progress.total;
    } else {
      job.state = 'failed';
      job.error = error;
    }
    job.finishedAt = new Date().toISOString();
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.state === 'done' || j.state === 'failed');
    for (const j of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_JOBS))) this.jobs.delete(j.id);
  }
}
