/**
 * bench/scale/pg-write: the sighting write rate a case sustains through the
 * store — PostgreSQL beside SQLite in the same run. Each backend gets a fresh
 * case with 10,000 indicators, then SIGHTINGS sightings (default 1,000,000)
 * written as a hunt writes them: an evidence writer per file of FILE_ROWS
 * sightings (staged in batches of 5,000, as sources hand them over, then one
 * commit: sightings, evidence hunt, roll-ups), `--writers` writers at once
 * (separate stores, as separate processes would be, on files of their own).
 * Prints rows/s for each backend and their ratio.
 *
 * The PostgreSQL server is `$SIGHTLINE_TEST_POSTGRES` (a superuser's URL: a
 * database is created for the run and dropped after); without it only SQLite
 * runs. The sightings are realistic in shape: DNS queries from 2,000 source
 * hosts over a month, 1 in 8 with a host id.
 *
 *   SIGHTLINE_TEST_POSTGRES=postgres://postgres@127.0.0.1:54329/postgres \
 *     node --import tsx bench/scale/pg-write.ts [--sightings 1000000] [--file-rows 100000] [--writers 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { openStore, type SightingInput, type Store } from '../../src/index.js';
import { withTestDatabase } from '../../src/store/testing/postgres.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SIGHTINGS = arg('--sightings', 1_000_000);
const FILE_ROWS = arg('--file-rows', 100_000);
const WRITERS = arg('--writers', 1);
/** Rows handed to the writer at a time (what a source's batch is). */
const BATCH = 5000;
const INDICATORS = 10_000;
const T0 = Date.UTC(2013, 4, 1);

/** A deterministic xorshift generator. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}

async function seed(store: Store): Promise<number[]> {
  await store.addIndicators(Array.from({ length: INDICATORS }, (_, i) => ({
    type: 'domain' as const, value: `c2-${i}.example`, campaign: i % 4 === 0 ? 'Red October' : 'NetTraveler', source: 'bench.txt', warninglist: null,
  })));
  const ids: number[] = [];
  for await (const page of store.huntIndicators({ includeWarninglisted: false })) for (const h of page) ids.push(h.id);
  return ids;
}

/** Writes `files` evidence files of FILE_ROWS sightings each through one store; the rows written. */
async function writeFiles(store: Store, ids: number[], files: number[]): Promise<number> {
  const sel = { includeWarninglisted: false, gen: await store.currentGeneration() };
  let written = 0;
  for (const f of files) {
    const next = rng(f + 1);
    const w = await store.beginEvidence(sel);
    for (let at = 0; at < FILE_ROWS; at += BATCH) {
      const rows: SightingInput[] = [];
      for (let i = at; i < Math.min(FILE_ROWS, at + BATCH); i++) {
        const id = ids[Math.floor(next() * ids.length)]!;
        const host = Math.floor(next() * 2000);
        rows.push({
          indicatorId: id, matched: `x${i}.c2-${id}.example`, field: 'dns.query', ts: T0 + Math.floor(next() * 30 * 86_400_000),
          src: `10.${host >> 8}.${host & 255}.7`, dst: '192.0.2.53', line: i + 9, ...(i % 8 === 0 ? { hostId: `H${host}` } : {}),
        });
      }
      await w.addSightings({ family: 'zeek', format: 'zeek-dns' }, rows);
    }
    w.end({ path: `logs/dns-${f}.log`, sha256: createHash('sha256').update(`file ${f}`).digest('hex'), size: FILE_ROWS * 100, mtimeMs: T0 + f,
      passes: [{ family: 'zeek', format: 'zeek-dns', lines: FILE_ROWS + 8, records: FILE_ROWS, skipped: 0 }] });
    const [out] = await w.commit();
    written += out!.sightings;
  }
  return written;
}

/** Rows per second of SIGHTINGS sightings written into the case at `location` by WRITERS stores at once. */
async function measure(location: string): Promise<{ rate: number; secs: number; rows: number }> {
  const first = await openStore(location);
  const ids = await seed(first);
  const stores = [first];
  for (let i = 1; i < WRITERS; i++) stores.push(await openStore(location));
  const files = Math.ceil(SIGHTINGS / FILE_ROWS);
  const t0 = process.hrtime.bigint();
  const counts = await Promise.all(stores.map((s, k) => writeFiles(s, ids, Array.from({ length: files }, (_, f) => f).filter((f) => f % WRITERS === k))));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const rows = counts.reduce((a, b) => a + b, 0);
  // What the roll-ups say must be what was written.
  const stats = await first.campaignActivity('NetTraveler');
  const other = await first.campaignActivity('Red October');
  if ((stats?.sightings ?? 0) + (other?.sightings ?? 0) !== rows) throw new Error(`roll-ups hold ${(stats?.sightings ?? 0) + (other?.sightings ?? 0)}, ${rows} written`);
  for (const s of stores) await s.close();
  return { rate: rows / secs, secs, rows };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');
console.log(`${fmt(SIGHTINGS)} sightings, ${fmt(FILE_ROWS)} a file, ${WRITERS} writer(s); ${INDICATORS} indicators`);
const dir = mkdtempSync(join(tmpdir(), 'sightline-bench-pg-write-'));
try {
  const lite = await measure(join(dir, 'case.db'));
  console.log(`sqlite:     ${fmt(lite.rows)} rows in ${lite.secs.toFixed(1)} s: ${fmt(lite.rate)} rows/s`);
  const db = await withTestDatabase();
  if (!db) {
    console.log('postgres:   skipped ($SIGHTLINE_TEST_POSTGRES is unset)');
  } else {
    try {
      const pg = await measure(db.url);
      console.log(`postgres:   ${fmt(pg.rows)} rows in ${pg.secs.toFixed(1)} s: ${fmt(pg.rate)} rows/s`);
      console.log(`ratio postgres / sqlite: ${(pg.rate / lite.rate).toFixed(2)}`);
    } finally {
      await db.drop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
