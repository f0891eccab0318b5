/**
 * The queue through the library: a hunt's ranges (a header that changes
 * mid-file included) put together by the worker that stores the last one
 * give what a single-thread hunt gives; and every job run again after its
 * first run committed — a worker that died before acknowledging — adds
 * nothing to the case. Needs $SIGHTLINE_TEST_POSTGRES (skipped without).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sighting } from '../core/model.js';
import { hunt } from '../hunt/hunt.js';
import { importIntel, loadWarninglists } from '../hunt/intel-import.js';
import { openStore, type Store } from '../store/index.js';
import { HUNT_QUEUE, openQueue, type HuntJob } from './queue.js';
import { huntOnQueue } from './submit.js';
import { runWorker } from './worker.js';
import { skipUnlessPostgres, withTestDatabase } from './testing/postgres.js';

const WARNINGLISTS = loadWarninglists();
const HEADER = (path: string, fields: string[]) => [
  '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', `#path\t${path}`, '#open\t2013-06-01-00-00-00',
  `#fields\t${fields.join('\t')}`, `#types\t${fields.map(() => 'string').join('\t')}`,
].join('\n') + '\n';

let queue: { url: string; drop(): Promise<void> } | null = null;
let dir = '';

before(async () => {
  queue = await withTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'sightline-queue-'));
});
after(async () => {
  await queue?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function newCase(name: string): Promise<Store> {
  const store = await openStore(join(dir, name));
  writeFileSync(join(dir, 'intel.txt'), 'viprainru.com\n185.10.20.7\n103.231.184.0/24\n');
  await importIntel(store, [join(dir, 'intel.txt')], { campaign: 'NT', onDiagnostic() {}, warninglists: WARNINGLISTS });
  return store;
}

const all = async (store: Store) => {
  const out: string[] = [];
  for await (const s of store.listSightings({})) out.push(JSON.stringify(s));
  return out.sort();
};

test('ranges put together by the queue give what one thread gives; every job run again adds nothing', { skip: skipUnlessPostgres(), timeout: 120_000 }, async () => {
  // Two rotated logs concatenated (dns.log, then conn.log with its own header), and two small files.
  let text = HEADER('dns', ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'query', 'answers']);
  for (let i = 0; i < 3000; i++) {
    text += `${1370044800 + i}.000000\tC1\t10.1.${i >> 8 & 255}.${i & 255}\t5353\t10.0.0.53\t53\tudp\t` +
      `${i % 97 === 0 ? `h${i}.viprainru.com` : `h${i}.other.org`}\t${i % 89 === 0 ? '185.10.20.7' : '-'}\n`;
  }
  text += HEADER('conn', ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto']);
  for (let i = 0; i < 3000; i++) text += `${1370050000 + i}.000000\tC3\t10.2.0.${i & 255}\t1234\t${i % 101 === 0 ? '103.231.184.77' : '203.0.113.1'}\t443\ttcp\n`;
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  writeFileSync(join(logs, 'rotated.log'), text);
  writeFileSync(join(logs, 'small.log'), text.slice(0, 2000) + '\n');
  writeFileSync(join(logs, 'notes.txt'), 'the C2 was viprainru.com, then 185.10.20.7\n');

  const local = await newCase('local.db');
  const queued = await newCase('queued.db');
  const stop = new AbortController();
  const worker = runWorker(queue!.url, { signal: stop.signal, maintenanceSeconds: 1 });
  try {
    const noop = { onSighting: (_s: Sighting) => undefined, onDiagnostic: () => undefined };
    const printed: Sighting[] = [];
    const r = await huntOnQueue(queued, [logs], { ...noop, onSighting: (s) => printed.push(s), queue: queue!.url, parallelMinBytes: 1, rangeBytes: 8192 });
    await hunt(local, [logs], noop);
    const want = await all(local);
    assert.equal(want.length, 31 + 34 + 30 + 2 + 2, 'the rotated log; the small one (its line 9: a domain and an address); the notes (the same two)');
    assert.deepEqual(await all(queued), want);
    assert.deepEqual(printed.map((s) => JSON.stringify(s)).sort(), want, 'the submitter printed what was stored');
    assert.equal(r.sightings, want.length);
    assert.equal(r.hunted, 3);

    // Every job again, as if each worker had died after its commit and before acknowledging.
    const q = await openQueue(queue!.url);
    try {
      const { rows } = await q.db.query<{ data: HuntJob }>('SELECT data FROM sightline_boss.job WHERE name = $1', [HUNT_QUEUE]);
      assert.ok(rows.filter((j) => j.data.kind === 'range').length >= 10, 'the rotated log was cut into ranges');
      const again = await Promise.all(rows.map((j) => q.boss.send(HUNT_QUEUE, j.data)));
      for (;;) {
        const { rows: open } = await q.db.query('SELECT 1 FROM sightline_boss.job WHERE name = $1 AND id = ANY($2::uuid[]) AND state <> $3',
          [HUNT_QUEUE, again, 'completed']);
        if (open.length === 0) break;
        await new Promise((res) => setTimeout(res, 200));
      }
      const { rows: reports } = await q.db.query<{ report: { commits: unknown[] } }>(
        'SELECT report FROM sightline_queue.job_report WHERE job_id = ANY($1::uuid[])', [again]);
      assert.equal(reports.length, rows.length);
      assert.deepEqual(reports.flatMap((x) => x.report.commits), [], 'no job committed anything again');
      const { rows: left } = await q.db.query('SELECT 1 FROM sightline_queue.range_result');
      assert.equal(left.length, 0, 'no range result is left behind');
    } finally {
      await q.close();
    }
    assert.deepEqual(await all(queued), want, 'nothing duplicated');
  } finally {
    stop.abort();
    await worker;
    await local.close();
    await queued.close();
  }
});
