/**
 * A hunt across three `sightline worker` processes (on loopback) through the
 * PostgreSQL job queue, one of them killed with SIGKILL in the middle of a
 * job: its job is retried by another after the lease, and the case ends up
 * holding exactly the sightings a single-process `sightline hunt` stores, the
 * submitter printing the same sightings, diagnostics, summary and exit status.
 * Needs $SIGHTLINE_TEST_POSTGRES (skipped, saying so, without it); the case
 * is a SQLite file, and a PostgreSQL case too once the store has one.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { once } from 'node:events';
import { jsonLines, sightline, startSightline, tempCase } from './cli.js';
import { openStore } from '../src/store/index.js';
import { skipUnlessPostgres, withTestDatabase } from '../src/queue/testing/postgres.js';
import { writeEstate, type Estate } from '../src/queue/testing/estate.js';

/** A short lease: the killed worker's job is taken again after a few seconds. */
const LEASE_SECONDS = 4;

let queue: { url: string; drop(): Promise<void> } | null = null;
let estateDir: ReturnType<typeof tempCase> | null = null;
let estate: Estate | null = null;
/** What a single-process hunt of the estate stored and said. */
let reference: { sightings: string[]; printed: string[]; diagnostics: string[]; summary: string; status: number | null } | null = null;

/** The summary line with its formats in a fixed order (a queued hunt commits files in another order). */
function summaryOf(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.startsWith('hunted ')) ?? '';
  return line.replace(/\((\d+ [^)]*)\)/, (_m, list: string) => `(${list.split(', ').sort().join(', ')})`);
}

const diagnosticLines = (stderr: string) => stderr.split('\n').filter((l) => /^\S+:\d+: /.test(l)).sort();
const sortedLines = (s: string) => s.split('\n').filter(Boolean).sort();

before(async () => {
  if (skipUnlessPostgres()) return;
  queue = await withTestDatabase();
  estateDir = tempCase();
  estate = await writeEstate(estateDir.dir);
  const c = estateDir.db.replace(/case\.db$/, 'reference.db');
  assert.equal(sightline(['--db', c, 'intel', 'import', '--campaign', 'Estate', estate.intel]).status, 0);
  const r = sightline(['--db', c, 'hunt', '--json', estate.dir]);
  reference = {
    sightings: sortedLines(sightline(['--db', c, 'sightings', '--json']).stdout),
    printed: sortedLines(r.stdout), diagnostics: diagnosticLines(r.stderr), summary: summaryOf(r.stderr), status: r.status,
  };
});

after(async () => {
  await queue?.drop();
  estateDir?.done();
});

type Child = ChildProcess & { stdout: Readable; stderr: Readable };

/** Resolves when the child has exited (at once if it has). */
async function exited(child: Child): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}

/** Lines a child writes on stderr, as they come. */
function stderrLines(child: Child, onLine: (l: string) => void): () => string {
  let all = '';
  let partial = '';
  child.stderr.on('data', (d: Buffer) => {
    all += d.toString();
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const l of lines) onLine(l);
  });
  return () => all;
}

async function huntThroughQueue(t: TestContext, caseLocation: string, label: string): Promise<void> {
  const q = queue!;
  const workers: Child[] = [];
  try {
    assert.equal(sightline(['--db', caseLocation, 'intel', 'import', '--campaign', 'Estate', estate!.intel]).status, 0);
    // Worker A alone first: the first range job it starts, it is killed in the middle of.
    const a = startSightline(['worker', '--queue', q.url]);
    workers.push(a);
    let killedOn: string | null = null;
    const startedRange = new Promise<void>((resolve) => {
      stderrLines(a, (l) => {
        if (killedOn === null && / started: range /.test(l)) {
          killedOn = l;
          a.kill('SIGKILL');
          resolve();
        }
      });
    });
    const submitter = startSightline(['--db', caseLocation, 'hunt', '--json', '--queue', q.url, '--lease', String(LEASE_SECONDS), estate!.dir]);
    let stdout = '';
    submitter.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    const submitterErr = stderrLines(submitter, () => undefined);
    await startedRange;
    // Two more workers: the killed worker's job goes to one of them once its lease runs out.
    for (let i = 0; i < 2; i++) {
      const w = startSightline(['worker', '--queue', q.url]);
      stderrLines(w, () => undefined);
      workers.push(w);
    }
    await exited(submitter);
    const code = submitter.exitCode;
    await exited(a);
    assert.equal(a.signalCode, 'SIGKILL', 'worker A was killed');
    t.diagnostic(`${label}: killed worker A on "${killedOn}"`);
    const ref = reference!;
    assert.equal(code, ref.status, submitterErr());
    assert.equal(summaryOf(submitterErr()), ref.summary);
    assert.deepEqual(diagnosticLines(submitterErr()), ref.diagnostics, 'the same diagnostics, with the same line numbers');
    assert.deepEqual(sortedLines(stdout), ref.printed, 'the submitter printed the sightings a local hunt prints');
    const stored = sortedLines(sightline(['--db', caseLocation, 'sightings', '--json']).stdout);
    assert.equal(stored.length, ref.sightings.length, 'no sighting lost or duplicated');
    assert.deepEqual(stored, ref.sightings, 'the case holds exactly what a single-process hunt stores');
    // The queue saw the killed job retried.
    const hunts = jsonLines(sightline(['jobs', '--queue', q.url, '--json']).stdout) as Array<{ state: string; jobs: { retried: number; failed: number } }>;
    assert.equal(hunts[0]!.state, 'completed');
    assert.equal(hunts[0]!.jobs.failed, 0);
    assert.ok(hunts[0]!.jobs.retried >= 1, 'the killed job was retried');
  } finally {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGTERM');
    await Promise.all(workers.map(exited));
  }
}

test('three workers, one killed mid-job: the case equals a single-process hunt (SQLite case)', { skip: skipUnlessPostgres(), timeout: 300_000 }, async (t) => {
  assert.equal(reference!.status, 2, 'the estate has garbled lines: a local hunt exits 2');
  assert.ok(reference!.sightings.length > 1000);
  const c = estateDir!.db.replace(/case\.db$/, 'queued.db');
  await huntThroughQueue(t, c, 'SQLite case');
});

test('the same with a PostgreSQL case', { skip: skipUnlessPostgres(), timeout: 300_000 }, async (t) => {
  const db = await withTestDatabase();
  try {
    try {
      await (await openStore(db!.url)).close();
    } catch (e) {
      if (/not supported yet/.test(String(e))) {
        t.skip(`the PostgreSQL store is not built yet (${(e as Error).message})`);
        return;
      }
      throw e;
    }
    await huntThroughQueue(t, db!.url, 'PostgreSQL case');
  } finally {
    await db!.drop();
  }
});

test('jobs and worker name the queue they need', () => {
  const r = sightline(['jobs'], { env: { SIGHTLINE_QUEUE: '' } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--queue postgres:\/\//);
  const bad = sightline(['jobs', '--queue', 'mysql://x']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /a PostgreSQL database/);
});
