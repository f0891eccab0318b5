/**
 * bench/scale (issue 13): hunt throughput through the job queue with 1 and
 * 2 `sightline worker` processes against a local `sightline hunt` (every
 * core: worker threads) of the same generated estate, in the same run and
 * interleaved (one of each per repetition, each on a fresh case with the
 * same intel). Prints records/s and MB/s and the ratio to the local hunt,
 * and checks that all three stored the same number of sightings.
 *
 * The estate is src/queue/testing/estate.ts's (Zeek dns logs, one cut into
 * 16 MiB ranges, a gzipped one, Suricata EVE files), scaled by --scale.
 * Needs a PostgreSQL server for the queue: $SIGHTLINE_TEST_POSTGRES (a
 * superuser URL; a database is made and dropped). Runs the CLI from
 * dist/cli/main.js when built, else from source under tsx (both sides alike).
 *
 * With --pg-case, every case (the local hunt's too) is a PostgreSQL database
 * on the same server instead of a SQLite file: what workers on several
 * machines need.
 *
 *   SIGHTLINE_TEST_POSTGRES=postgres://postgres@127.0.0.1:54330/postgres \
 *     node --import tsx bench/scale/run.ts [--scale 2] [--repeat 2] [--pg-case]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeEstate } from '../../src/queue/testing/estate.js';
import { withTestDatabase } from '../../src/queue/testing/postgres.js';
import { numberArg } from '../prng.js';

const SCALE = numberArg('--scale', 2);
const REPEAT = numberArg('--repeat', 2);
const PG_CASE = process.argv.includes('--pg-case');

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const OUT = join(ROOT, 'bench', 'out', 'scale');
const DIST = join(ROOT, 'dist', 'cli', 'main.js');
const CLI = existsSync(DIST) ? [DIST] : ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')];

function cli(argv: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...CLI, ...argv], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Clock ticks per second of /proc/PID/stat's times (USER_HZ: 100 on Linux). */
const TICKS = 100;

/** CPU seconds (user + system) a running process has used, from /proc. */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** Runs `sightline ARGS` to its end, timed (wall and CPU); the number of sightings its summary says were stored. */
function timedHunt(argv: string[]): { secs: number; cpu: number; stored: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ...CLI, ...argv], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /: (\d+) sighting\(s\) stored/.exec(r.stderr);
  if (r.status === 1 || !m) throw new Error(`sightline ${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const [u, sys] = (r.stderr.trim().split('\n').pop() ?? '0 0').split(' ').map(Number);
  return { secs, cpu: (u ?? 0) + (sys ?? 0), stored: Number(m[1]) };
}

/** Starts `n` workers and waits until each says it is taking jobs. */
async function startWorkers(url: string, n: number): Promise<ChildProcess[]> {
  const ws: ChildProcess[] = [];
  for (let i = 0; i < n; i++) {
    const w = spawn(process.execPath, [...CLI, 'worker', '--queue', url], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    await new Promise<void>((resolve, reject) => {
      w.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('taking jobs')) resolve();
      });
      w.on('exit', () => reject(new Error(`worker exited: ${err}`)));
    });
    ws.push(w);
  }
  return ws;
}

async function stopWorkers(ws: ChildProcess[]): Promise<void> {
  for (const w of ws) w.kill('SIGTERM');
  await Promise.all(ws.map((w) => (w.exitCode === null && w.signalCode === null ? once(w, 'exit') : undefined)));
}

/** PostgreSQL cases made by freshCase (--pg-case), dropped at the end. */
const pgCases: { drop(): Promise<void> }[] = [];

/** A case holding the estate's intel: a SQLite file, or with --pg-case a new PostgreSQL database. */
async function freshCase(name: string, intel: string): Promise<string> {
  let db = join(OUT, name);
  if (PG_CASE) {
    const t = await withTestDatabase();
    if (!t) throw new Error('--pg-case needs $SIGHTLINE_TEST_POSTGRES');
    pgCases.push(t);
    db = t.url;
  } else {
    rmSync(db, { force: true });
    rmSync(`${db}-wal`, { force: true });
    rmSync(`${db}-shm`, { force: true });
    rmSync(`${db}-index`, { recursive: true, force: true });
  }
  const r = cli(['--db', db, 'intel', 'import', '--campaign', 'Estate', intel]);
  if (r.status !== 0) throw new Error(r.stderr);
  return db;
}

async function main(): Promise<void> {
  const queue = await withTestDatabase();
  if (!queue) {
    process.stderr.write('bench/scale needs $SIGHTLINE_TEST_POSTGRES (a superuser URL of a PostgreSQL server on 127.0.0.1) for the queue\n');
    process.exitCode = 1;
    return;
  }
  try {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const estate = await writeEstate(OUT, { scale: SCALE });
    const mbytes = estate.bytes / 1e6;
    console.log(`estate: ${mbytes.toFixed(1)} MB, ${estate.records} records in ${estate.dir} (scale ${SCALE}); CLI ${CLI.length === 1 ? 'dist' : 'from source (tsx)'}; ` +
      `cases ${PG_CASE ? 'on PostgreSQL' : 'SQLite files'}`);
    // Per run: wall seconds, the submitting command's CPU seconds, the workers' CPU seconds.
    const runs: Record<string, { secs: number; cpu: number; workerCpu: number }[]> = { local: [], 'queue, 1 worker': [], 'queue, 2 workers': [] };
    const stored = new Set<number>();
    for (let rep = 0; rep < REPEAT; rep++) {
      const local = timedHunt(['--db', await freshCase('local.db', estate.intel), 'hunt', '--json', estate.dir]);
      runs['local']!.push({ secs: local.secs, cpu: local.cpu, workerCpu: 0 });
      stored.add(local.stored);
      for (const n of [1, 2]) {
        const db = await freshCase(`queue-${n}.db`, estate.intel);
        const ws = await startWorkers(queue.url, n);
        try {
          const before = ws.reduce((t, w) => t + cpuOf(w.pid!), 0);
          const r = timedHunt(['--db', db, 'hunt', '--json', '--queue', queue.url, estate.dir]);
          const workerCpu = ws.reduce((t, w) => t + cpuOf(w.pid!), 0) - before;
          runs[`queue, ${n} worker${n > 1 ? 's' : ''}`]!.push({ secs: r.secs, cpu: r.cpu, workerCpu });
          stored.add(r.stored);
        } finally {
          await stopWorkers(ws);
        }
      }
    }
    if (stored.size !== 1) throw new Error(`the hunts stored different numbers of sightings: ${[...stored].join(', ')}`);
    const localBest = Math.min(...runs['local']!.map((r) => r.secs));
    console.log(`sightings stored by each: ${[...stored][0]}`);
    for (const [name, rs] of Object.entries(runs)) {
      const b = rs.reduce((x, y) => (y.secs < x.secs ? y : x));
      const cpu = b.cpu + b.workerCpu;
      console.log(`${name.padEnd(17)} best ${b.secs.toFixed(2)} s (${rs.map((r) => r.secs.toFixed(2)).join(', ')}): ` +
        `${Math.round(estate.records / b.secs).toLocaleString('en')} records/s, ${(mbytes / b.secs).toFixed(1)} MB/s; ` +
        `${(localBest / b.secs).toFixed(2)}× the local hunt; CPU ${cpu.toFixed(2)} s (submitting command ${b.cpu.toFixed(2)} s, workers ` +
        `${b.workerCpu.toFixed(2)} s): ${Math.round(estate.records / Math.max(0.01, b.workerCpu || cpu)).toLocaleString('en')} records per hunting CPU-second`);
    }
    console.log(`machine: ${(await import('node:os')).availableParallelism()} cores, shared; wall times include each command's start (the workers were already running)`);
  } finally {
    for (const c of pgCases) await c.drop();
    await queue.drop();
  }
}

await main();
