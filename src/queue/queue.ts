/**
 * The job queue a hunt is spread over machines by: pg-boss (jobs, leases,
 * retries) in one PostgreSQL database, and beside it Sightline's own tables
 * (schema `sightline_queue`): the hunts, what each job reported, its
 * progress, and the results of a large log's ranges until the file is
 * committed. The case itself is elsewhere (the Store at the hunt's case
 * location); this database holds only the work.
 */
import PgBoss from 'pg-boss';
import pg from 'pg';
import type { Diagnostic } from '../core/diagnostic.js';
import type { RangeResult, RangeTask } from '../hunt/log-range.js';
import type { HuntResult } from '../hunt/hunt.js';
import type { HuntSelection } from '../store/index.js';

/** pg-boss's queue of hunt jobs. */
export const HUNT_QUEUE = 'sightline-hunt';
/** The schema pg-boss keeps its tables in (its own, so another application's pg-boss in the same database is left alone). */
const BOSS_SCHEMA = 'sightline_boss';
/** The schema of Sightline's own queue tables. */
export const QUEUE_SCHEMA = 'sightline_queue';
export { DEFAULT_LEASE_SECONDS } from './defaults.js';
/** Attempts after the first, before a job is failed for good. */
export const JOB_RETRIES = 5;
/** Connections to the queue database each process keeps (besides pg-boss's own). */
const POOL_CONNECTIONS = 4;
/** How often a worker with no job asks again. */
export const POLL_MS = 500;

/** What every job of a hunt carries: the hunt's id, its case and selection, and the options a worker hunts with. */
export interface HuntSpec {
  id: string;
  /** The case (a SQLite path every worker reaches, or a postgres:// URL). */
  case: string;
  selection: HuntSelection;
  maxFileSize: number;
  parallelMinBytes: number;
}

/** One evidence file as the submitter planned it (path absolute: every worker reads it at the same path). */
export interface JobFile {
  path: string;
  size: number;
  mtimeMs: number;
  gz: boolean;
  passes: string[];
  expectSha256?: string;
}

/** A job: whole files (one large, or several small ones stored together), or one range of a large plain log. */
export type HuntJob =
  | { hunt: HuntSpec; kind: 'files'; files: JobFile[] }
  | { hunt: HuntSpec; kind: 'range'; file: JobFile; family: string; index: number; count: number; task: RangeTask };

/** A commit a job made: the evidence and the sightings it stored (the submitter reads them back from the case). */
export interface JobCommit {
  evidenceId: number;
  afterId: number;
  sightings: number;
}

/** What a job reports to its hunt's submitter. */
export interface JobReport {
  /** Counts of the files this job committed (hunted, sightings, alreadyKnown, copies, samples, formats). */
  counts: Pick<HuntResult, 'hunted' | 'copies' | 'sightings' | 'alreadyKnown' | 'samples' | 'formats'>;
  diagnostics: Diagnostic[];
  notices: string[];
  commits: JobCommit[];
}

/** A range's result as stored until its file is committed. */
export type StoredRange = RangeResult;

/** pg-boss and a pool of connections to the queue database. */
export interface QueueConnection {
  boss: PgBoss;
  db: pg.Pool;
  close(): Promise<void>;
}

/** The queue database's URL with its password left out (for messages). */
export function queueLocation(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return '(a queue URL that does not parse)';
  }
}

/**
 * Connects to the queue database, creating pg-boss's schema and Sightline's
 * queue tables on first use. `maintenanceSeconds`: how often this process
 * looks for jobs whose lease expired (one process in the database does it
 * per interval).
 */
export async function openQueue(url: string, opts: { maintenanceSeconds?: number } = {}): Promise<QueueConnection> {
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new Error(`the queue is a PostgreSQL database: give a postgres:// URL, not ${JSON.stringify(url)}`);
  const db = new pg.Pool({ connectionString: url, max: POOL_CONNECTIONS });
  // An idle connection that breaks (the server restarting) is an event on the pool, not a crash of the process.
  db.on('error', () => undefined);
  const boss = new PgBoss({
    connectionString: url, schema: BOSS_SCHEMA, max: POOL_CONNECTIONS,
    supervise: true, maintenanceIntervalSeconds: Math.max(1, Math.round(opts.maintenanceSeconds ?? 30)),
    schedule: false, migrate: true,
  });
  const errors: Error[] = [];
  boss.on('error', (e) => { errors.push(e); });
  try {
    await setUp(db, boss);
  } catch (e) {
    await boss.stop({ graceful: false, close: true }).catch(() => undefined);
    await db.end();
    throw new Error(`cannot use the queue at ${queueLocation(url)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    boss, db,
    async close() {
      await boss.stop({ graceful: false, close: true, wait: true });
      await db.end();
    },
  };
}

/**
 * Creates Sightline's queue tables, pg-boss's schema and its queue when
 * missing. Several processes (a submitter and its workers) may start at once
 * on a new database, and pg-boss's own set-up deadlocks against itself then:
 * the whole set-up runs under one lock.
 */
async function setUp(db: pg.Pool, boss: PgBoss): Promise<void> {
  const c = await db.connect();
  try {
    await c.query("SELECT pg_advisory_lock(hashtext('sightline_queue set-up'))");
    try {
      await createTables(c);
      await boss.start();
      if (!await boss.getQueue(HUNT_QUEUE)) await boss.createQueue(HUNT_QUEUE);
    } finally {
      await c.query("SELECT pg_advisory_unlock(hashtext('sightline_queue set-up'))");
    }
  } finally {
    c.release();
  }
}

/** Sightline's queue tables (idempotent). */
async function createTables(c: pg.PoolClient): Promise<void> {
  try {
    await c.query('BEGIN');
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${QUEUE_SCHEMA}`);
    // One row per submitted hunt.
    await c.query(`CREATE TABLE IF NOT EXISTS ${QUEUE_SCHEMA}.hunt (
      id uuid PRIMARY KEY, case_location text NOT NULL, paths jsonb NOT NULL, jobs integer NOT NULL, files integer NOT NULL,
      total_bytes bigint NOT NULL, submitted_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz)`);
    // What each job reported, in the order reports arrived (the submitter reads them past the last seq it saw).
    await c.query(`CREATE TABLE IF NOT EXISTS ${QUEUE_SCHEMA}.job_report (
      job_id uuid PRIMARY KEY, hunt_id uuid NOT NULL, seq bigserial NOT NULL, report jsonb NOT NULL)`);
    await c.query(`CREATE INDEX IF NOT EXISTS job_report_hunt ON ${QUEUE_SCHEMA}.job_report(hunt_id, seq)`);
    // Bytes read and sightings staged by each job so far (the submitter's progress bar).
    await c.query(`CREATE TABLE IF NOT EXISTS ${QUEUE_SCHEMA}.job_progress (
      job_id uuid PRIMARY KEY, hunt_id uuid NOT NULL, bytes bigint NOT NULL, sightings bigint NOT NULL)`);
    await c.query(`CREATE INDEX IF NOT EXISTS job_progress_hunt ON ${QUEUE_SCHEMA}.job_progress(hunt_id)`);
    // A large log's range results, kept until the last range's job commits the file.
    await c.query(`CREATE TABLE IF NOT EXISTS ${QUEUE_SCHEMA}.range_result (
      hunt_id uuid NOT NULL, path text NOT NULL, family text NOT NULL, idx integer NOT NULL, task jsonb NOT NULL, result jsonb NOT NULL,
      PRIMARY KEY (hunt_id, path, family, idx))`);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
