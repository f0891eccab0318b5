/**
 * The store conformance suite: every implementation runs the same cases,
 * SQLite always, PostgreSQL on the server `$SIGHTLINE_TEST_POSTGRES` names
 * (a fresh database per case, dropped after; skipped, saying why, without one).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from './open.js';
import { postgresSkipReason, queryDatabase, withTestDatabase } from './testing/postgres.js';
import type { CommitOutcome, EvidenceCommit, EvidenceWriter, SightingInput, Store } from './store.js';
import { apiTokenHash, findApiToken, generateApiToken } from './api-token.js';

/** Ends the one file a writer staged and stores it. */
async function commitOne(w: EvidenceWriter, info: EvidenceCommit): Promise<CommitOutcome> {
  w.end(info);
  const [out] = await w.commit();
  assert.ok(out);
  return out;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** One backend of the suite: a fresh case on it, and plain SQL on that case by another route than the store. */
interface Backend {
  name: string;
  /** false, or why the backend's cases skip. */
  skip: string | false;
  /** A fresh, empty case and a temporary folder; `done()` removes both. */
  fresh(): Promise<{ location: string; dir: string; done(): Promise<void> }>;
  /** Rows of one statement (`?` placeholders) on the case, on a connection of its own. */
  query(location: string, sql: string, params?: unknown[]): Promise<unknown[][]>;
  /** The folder indexKey names for a case: beside a case file; none for a database. */
  indexDir(location: string): string | null;
}

const BACKENDS: Backend[] = [
  {
    name: 'sqlite',
    skip: false,
    async fresh() {
      const dir = mkdtempSync(join(tmpdir(), 'sightline-store-'));
      return { location: join(dir, 'case.db'), dir, done: async () => rmSync(dir, { recursive: true, force: true }) };
    },
    async query(location, sql, params = []) {
      const db = new BetterSqlite3(location);
      try {
        const st = db.prepare(sql);
        if (!st.reader) { st.run(...params); return []; }
        return st.raw(true).all(...params) as unknown[][];
      } finally {
        db.close();
      }
    },
    indexDir: (location) => `${location}-index`,
  },
  {
    name: 'postgres',
    skip: postgresSkipReason(),
    async fresh() {
      const db = await withTestDatabase();
      if (!db) throw new Error('no PostgreSQL server');
      const dir = mkdtempSync(join(tmpdir(), 'sightline-store-'));
      return { location: db.url, dir, done: async () => { await db.drop(); rmSync(dir, { recursive: true, force: true }); } };
    },
    async query(location, sql, params = []) {
      let n = 0;
      return queryDatabase(location, sql.replace(/\?/g, () => `$${++n}`), params);
    },
    indexDir: () => null,
  },
];

/** A fresh case on `backend`, open; `another()` opens a second connection to it, as a second process would. */
async function openCase(backend: Backend): Promise<{ store: Store; another(): Promise<Store>; location: string; done(): Promise<void> }> {
  const fresh = await backend.fresh();
  try {
    return { store: await openStore(fresh.location), another: () => openStore(fresh.location), location: fresh.location, done: fresh.done };
  } catch (e) {
    await fresh.done();
    throw e;
  }
}

for (const backend of BACKENDS) {
  describe(`store conformance: ${backend.name}`, { skip: backend.skip }, () => {
    test('merges indicators across imports without duplicates', async () => {
      const { store, done } = await openCase(backend);
      try {
        await store.addCampaigns([{ name: 'NetTraveler', aliases: ['TravNet', 'Netfile'] }]);
        const first = await store.addIndicators([
          { type: 'domain', value: 'viprainru.com', campaign: 'NetTraveler', source: 'nt.txt', warninglist: null },
          { type: 'ipv4', value: '8.8.8.8', campaign: 'NetTraveler', source: 'nt.txt', warninglist: 'public-dns-v4' },
        ]);
        assert.deepEqual(first, { added: 2, merged: 0 });
        const second = await store.addIndicators([
          { type: 'domain', value: 'viprainru.com', campaign: 'travnet', source: 'otx.csv', warninglist: null },
          { type: 'domain', value: 'viprainru.com', campaign: 'Red October', source: 'ro.txt', warninglist: null },
        ]);
        assert.deepEqual(second, { added: 0, merged: 1 });
        const all = await collect(store.listIndicators({}));
        assert.deepEqual(all, [
          { type: 'domain', value: 'viprainru.com', campaigns: ['NetTraveler', 'Red October'], sources: ['nt.txt', 'otx.csv', 'ro.txt'], warninglist: null },
          { type: 'ipv4', value: '8.8.8.8', campaigns: ['NetTraveler'], sources: ['nt.txt'], warninglist: 'public-dns-v4' },
        ]);
        assert.equal(await store.resolveCampaign('netfile'), 'NetTraveler');
        assert.equal(await store.resolveCampaign('nobody'), null);
        const ro = await collect(store.listIndicators({ campaign: 'red october', type: 'domain' }));
        assert.deepEqual(ro.map((i) => i.value), ['viprainru.com']);
        assert.deepEqual(await collect(store.listIndicators({ campaign: 'Red October', type: 'ipv4' })), []);
        const campaigns = await store.listCampaigns();
        assert.deepEqual(campaigns, [
          { name: 'NetTraveler', aliases: ['Netfile', 'TravNet'], indicators: 2, byType: { domain: 1, ipv4: 1 } },
          { name: 'Red October', aliases: [], indicators: 1, byType: { domain: 1 } },
        ]);
        const huntable = (await collect(store.huntIndicators({ includeWarninglisted: false }))).flat();
        assert.deepEqual(huntable.map((h) => [h.type, h.value, h.campaigns]), [['domain', 'viprainru.com', ['NetTraveler', 'Red October']]]);
        const withWl = (await collect(store.huntIndicators({ includeWarninglisted: true }))).flat();
        assert.equal(withWl.length, 2);
      } finally {
        await store.close();
        await done();
      }
    });

    test('keeps yara rule sources once per file text', async () => {
      const { store, done } = await openCase(backend);
      try {
        const src = 'rule A { condition: true }\nrule B { condition: false }';
        await store.addIndicators([
          { type: 'yara', value: 'A', campaign: 'X', source: 'x.yar', warninglist: null, ruleSource: src },
          { type: 'yara', value: 'B', campaign: 'X', source: 'x.yar', warninglist: null, ruleSource: src },
        ]);
        assert.deepEqual(await store.yaraSources({ includeWarninglisted: false }), [{ name: 'x.yar', source: src }]);
        assert.deepEqual(await store.yaraSources({ campaign: 'Y', includeWarninglisted: false }), []);
      } finally {
        await store.close();
        await done();
      }
    });

    test('evidence sightings commit together; the same content again adds only what its earlier hunts had not met', async () => {
      const { store, done } = await openCase(backend);
      try {
        await store.addIndicators([{ type: 'domain', value: 'example.net', campaign: 'NT', source: 's', warninglist: null }]);
        const [ind] = (await collect(store.huntIndicators({ includeWarninglisted: false }))).flat();
        assert.ok(ind);
        const sel = { includeWarninglisted: false, gen: await store.currentGeneration() };
        assert.equal(sel.gen, 1);
        const pass = { family: 'zeek', format: 'zeek-dns' };
        const info = { path: 'logs/dns.log', sha256: 'a'.repeat(64), size: 10, mtimeMs: 1000,
          passes: [{ family: 'zeek', format: 'zeek-dns', lines: 3, records: 2, skipped: 0 }] };
        const rolled = await store.beginEvidence(sel);
        await rolled.addSightings(pass, [{ indicatorId: ind.id, matched: 'x.example.net', field: 'dns.query', ts: 0, src: '10.0.0.1', dst: null, line: 9 }]);
        await rolled.rollback();
        assert.deepEqual(await collect(store.listSightings({})), []);
        const w = await store.beginEvidence(sel);
        await w.addSightings(pass, [{ indicatorId: ind.id, matched: 'www.example.net', field: 'dns.query', ts: Date.UTC(2013, 4, 2, 3, 4, 5, 123), src: '10.1.2.3', dst: '192.0.2.53', line: 42 }]);
        const first = await commitOne(w, info);
        assert.deepEqual({ ...first, evidenceId: 0 }, { evidenceId: 0, status: 'new', path: 'logs/dns.log', sha256: 'a'.repeat(64), format: 'zeek-dns', sightings: 1, alreadyKnown: 0, afterId: 0, samples: 0 });
        const again = await store.beginEvidence(sel);
        await again.addSightings(pass, [{ indicatorId: ind.id, matched: 'www.example.net', field: 'dns.query', ts: null, src: null, dst: null, line: 42 }]);
        const copy = await commitOne(again, { ...info, path: 'copy/dns.log' });
        assert.deepEqual([copy.status, copy.path, copy.sightings, copy.alreadyKnown], ['known', 'logs/dns.log', 0, 1]);
        const sightings = await collect(store.listSightings({}));
        assert.deepEqual(sightings, [{
          indicator: { type: 'domain', value: 'example.net', campaigns: ['NT'] },
          matched: 'www.example.net', field: 'dns.query', ts: '2013-05-02T03:04:05.123Z',
          src: '10.1.2.3', dst: '192.0.2.53',
          evidence: { path: 'logs/dns.log', format: 'zeek-dns', line: 42 },
        }]);
        const known = await store.evidenceByFile('logs/dns.log', 10, 1000);
        assert.equal(known?.sha256, 'a'.repeat(64));
        assert.deepEqual(known?.families, ['zeek']);
        assert.equal(await store.evidenceByFile('logs/dns.log', 11, 1000), null);
        assert.equal((await collect(store.listSightings({ src: '10.9.9.9' }))).length, 0);
        assert.equal((await collect(store.listSightings({ since: Date.UTC(2014, 0, 1) }))).length, 0);
        assert.equal((await collect(store.listSightings({ campaign: 'nt', until: Date.UTC(2014, 0, 1) }))).length, 1);
        assert.equal((await collect(store.listSightings({ evidenceId: first.evidenceId, afterId: first.afterId }))).length, 1);
        assert.equal((await collect(store.listSightings({ evidenceId: first.evidenceId, afterId: 1e9 }))).length, 0);
      } finally {
        await store.close();
        await done();
      }
    });

    test('coverage: an evidence file is hunted for the indicators it has not met, per campaign, warninglist choice and family', async () => {
      const { store, done } = await openCase(backend);
      try {
        await store.addIndicators([
          { type: 'domain', value: 'a.example', campaign: 'A', source: 'a.txt', warninglist: null },
          { type: 'domain', value: 'b.example', campaign: 'B', source: 'b.txt', warninglist: null },
          { type: 'ipv4', value: '8.8.8.8', campaign: 'A', source: 'a.txt', warninglist: 'public-dns-v4' },
        ]);
        const gen1 = await store.currentGeneration();
        const ids = new Map(((await collect(store.huntIndicators({ includeWarninglisted: true }))).flat()).map((h) => [h.value, h.id]));
        const commit = async (sel: { campaign?: string; includeWarninglisted: boolean; gen: number }, family: string, values: string[]) => {
          const w = await store.beginEvidence(sel);
          await w.addSightings({ family, format: family }, values.map((v, i) => ({ indicatorId: ids.get(v)!, matched: v, field: 'x', ts: null, src: null, dst: null, line: i + 1 })));
          return commitOne(w, { path: 'e.log', sha256: 'e'.repeat(64), size: 1, mtimeMs: 1, passes: [{ family, format: family, lines: 1, records: 1, skipped: 0 }] });
        };
        const a = await commit({ campaign: 'A', includeWarninglisted: false, gen: gen1 }, 'squid', ['a.example']);
        const id = a.evidenceId;
        assert.equal(await store.isCovered(id, 'squid', { campaign: 'A', includeWarninglisted: false, gen: gen1 }), true);
        assert.equal(await store.isCovered(id, 'squid', { includeWarninglisted: false, gen: gen1 }), false, 'campaign B not met');
        assert.equal(await store.isCovered(id, 'squid', { campaign: 'A', includeWarninglisted: true, gen: gen1 }), false, 'warninglisted not met');
        assert.equal(await store.isCovered(id, 'text', { campaign: 'A', includeWarninglisted: false, gen: gen1 }), false, 'another family');
        // A hunt of everything stores only what the campaign-A hunt had not met.
        const all = await commit({ includeWarninglisted: true, gen: gen1 }, 'squid', ['a.example', 'b.example', '8.8.8.8']);
        assert.deepEqual([all.sightings, all.alreadyKnown], [2, 1]);
        assert.equal(await store.isCovered(id, 'squid', { includeWarninglisted: true, gen: gen1 }), true);
        // An indicator that joins campaign A later was not met by the campaign-A hunt; new intel is not covered either.
        await store.addIndicators([
          { type: 'domain', value: 'b.example', campaign: 'A', source: 'a2.txt', warninglist: null },
          { type: 'domain', value: 'c.example', campaign: 'A', source: 'a2.txt', warninglist: null },
        ]);
        const gen2 = await store.currentGeneration();
        assert.equal(gen2, gen1 + 1);
        assert.equal(await store.isCovered(id, 'squid', { includeWarninglisted: true, gen: gen2 }), false);
        assert.equal(await store.isCovered(id, 'squid', { includeWarninglisted: true, gen: gen1 }), true);
        const c = ((await collect(store.huntIndicators({ includeWarninglisted: false, gen: gen2 }))).flat()).find((h) => h.value === 'c.example');
        assert.ok(c);
        assert.equal(((await collect(store.huntIndicators({ includeWarninglisted: false, gen: gen1 }))).flat()).some((h) => h.value === 'c.example'), false);
        ids.set('c.example', c.id);
        const later = await commit({ includeWarninglisted: true, gen: gen2 }, 'squid', ['a.example', 'b.example', '8.8.8.8', 'c.example']);
        assert.deepEqual([later.sightings, later.alreadyKnown], [1, 3]);
        assert.deepEqual((await collect(store.listSightings({}))).map((s) => s.matched).sort(), ['8.8.8.8', 'a.example', 'b.example', 'c.example']);
        assert.equal(await store.hasIndicators({ campaign: 'B', includeWarninglisted: false }), true);
        assert.deepEqual((await collect(store.listEvidence())).map((e) => [e.path, e.families]), [['e.log', ['squid']]]);
      } finally {
        await store.close();
        await done();
      }
    });

    test('samples: facts, paths merged, campaigns and rules from their sightings', async () => {
      const { store, done } = await openCase(backend);
      try {
        await store.addIndicators([
          { type: 'yara', value: 'NT_Marker', campaign: 'NetTraveler', source: 'nt.yar', warninglist: null, ruleSource: 'rule NT_Marker { condition: true }' },
          { type: 'sha256', value: 'b'.repeat(64), campaign: 'Red October', source: 'ro.txt', warninglist: null },
        ]);
        const ids = new Map(((await collect(store.huntIndicators({ includeWarninglisted: false }))).flat()).map((h) => [h.value, h.id]));
        const pe = { machine: 'amd64', timestamp: '2012-11-05T01:00:00.000Z' };
        const w = await store.beginEvidence({ includeWarninglisted: false, gen: await store.currentGeneration() });
        await w.addSamples([
          { sha256: 'b'.repeat(64), md5: 'c'.repeat(32), sha1: 'd'.repeat(40), size: 40960, type: 'pe', path: 'samples/netmgr.exe', factsJson: JSON.stringify(pe) },
          { sha256: 'b'.repeat(64), md5: 'c'.repeat(32), sha1: 'd'.repeat(40), size: 40960, type: 'pe', path: 'samples/a.zip!netmgr.exe', factsJson: JSON.stringify(pe) },
          { sha256: 'e'.repeat(64), md5: 'f'.repeat(32), sha1: '0'.repeat(40), size: 3, type: 'text', path: 'samples/readme.txt', factsJson: null },
        ]);
        await w.addSightings({ family: 'files', format: 'files' }, [
          { indicatorId: ids.get('NT_Marker')!, matched: 'NT_Marker', field: 'yara', ts: null, src: null, dst: null, sample: 'b'.repeat(64) },
          { indicatorId: ids.get('b'.repeat(64))!, matched: 'b'.repeat(64), field: 'file.sha256', ts: null, src: null, dst: null, sample: 'b'.repeat(64) },
        ]);
        await commitOne(w, { path: 'samples', sha256: '1'.repeat(64), size: 0, mtimeMs: 0, passes: [{ family: 'files', format: 'files', lines: 0, records: 3, skipped: 0 }] });
        assert.deepEqual(await collect(store.listSamples({})), [
          { sha256: 'b'.repeat(64), md5: 'c'.repeat(32), sha1: 'd'.repeat(40), size: 40960, type: 'pe',
            paths: ['samples/a.zip!netmgr.exe', 'samples/netmgr.exe'], campaigns: ['NetTraveler', 'Red October'], yara: ['NT_Marker'], pe },
          { sha256: 'e'.repeat(64), md5: 'f'.repeat(32), sha1: '0'.repeat(40), size: 3, type: 'text', paths: ['samples/readme.txt'], campaigns: [], yara: [], pe: null },
        ]);
        assert.deepEqual((await collect(store.listSamples({ campaign: 'netTraveler' }))).map((s) => s.sha256), ['b'.repeat(64)]);
      } finally {
        await store.close();
        await done();
      }
    });

    test('concurrency: two writers stage at once and both land; a reader sees nothing staged; claims keep one file to one hunt', async () => {
      const { store, another, done } = await openCase(backend);
      const second = await another();
      try {
        await store.addIndicators([{ type: 'domain', value: 'example.net', campaign: 'NT', source: 's', warninglist: null }]);
        const [ind] = (await collect(store.huntIndicators({ includeWarninglisted: false }))).flat();
        assert.ok(ind);
        const sel = { includeWarninglisted: false, gen: await store.currentGeneration() };
        const pass = { family: 'zeek', format: 'zeek-dns' };
        const row = (line: number) => ({ indicatorId: ind.id, matched: 'www.example.net', field: 'dns.query', ts: null, src: null, dst: null, line });
        const file = (n: number) => ({ path: `logs/${n}.log`, sha256: String(n).repeat(64), size: n, mtimeMs: n,
          passes: [{ family: 'zeek', format: 'zeek-dns', lines: 1, records: 1, skipped: 0 }] });
        const w1 = await store.beginEvidence(sel);
        const w2 = await second.beginEvidence(sel);
        await w1.addSightings(pass, [row(1)]);
        await w2.addSightings(pass, [row(2)]);
        // A writer holds no lock while it stages: the other connection can import and read meanwhile.
        await second.addIndicators([{ type: 'domain', value: 'other.example', campaign: 'NT', source: 's2', warninglist: null }]);
        assert.deepEqual(await collect(second.listSightings({})), []);
        await w1.addSightings(pass, [row(3)]);
        assert.equal((await commitOne(w2, file(2))).sightings, 1);
        assert.equal((await commitOne(w1, file(1))).sightings, 2);
        assert.deepEqual((await collect(store.listSightings({}))).map((s) => [s.evidence.path, s.evidence.line]),
          [['logs/2.log', 2], ['logs/1.log', 1], ['logs/1.log', 3]]);
        // Claims: one process's claim is its own to take again; a live other process's claim is refused.
        const f = { path: 'logs/9.log', size: 9, mtimeMs: 9 };
        assert.deepEqual(await store.claimFiles([f, f]), [null, null]);
        assert.deepEqual(await second.claimFiles([f]), [null], 'the same process');
        await store.releaseFile(f);
      } finally {
        await second.close();
        await store.close();
        await done();
      }
    });

    test('claims: the claim of another live process is refused; that of a dead one is taken over', async () => {
      const { store, location, done } = await openCase(backend);
      const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
      try {
        const f = { path: 'logs/x.log', size: 1, mtimeMs: 2 };
        // Write the other process's claim the way its own store would have.
        await backend.query(location, 'INSERT INTO hunt_claim(path, size, mtime_ms, host, pid, claimed_at) VALUES (?, ?, ?, ?, ?, ?)',
          [f.path, f.size, f.mtimeMs, hostname(), sleeper.pid, Date.now()]);
        assert.deepEqual(await store.claimFiles([f]), [{ host: hostname(), pid: sleeper.pid }]);
        sleeper.kill('SIGKILL');
        await once(sleeper, 'exit');
        assert.deepEqual(await store.claimFiles([f]), [null]);
      } finally {
        sleeper.kill('SIGKILL');
        await store.close();
        await done();
      }
    });

    test('a writer stores several ended files in one commit; a discarded file leaves nothing', async () => {
      const { store, done } = await openCase(backend);
      try {
        await store.addIndicators([{ type: 'sha256', value: 'b'.repeat(64), campaign: 'NT', source: 's', warninglist: null }]);
        const [ind] = (await collect(store.huntIndicators({ includeWarninglisted: false }))).flat();
        assert.ok(ind);
        const w = await store.beginEvidence({ includeWarninglisted: false, gen: await store.currentGeneration() });
        const pass = { family: 'files', format: 'files' };
        const file = (n: number) => ({ path: `f/${n}`, sha256: String(n).repeat(64), size: n, mtimeMs: n,
          passes: [{ family: 'files', format: 'files', lines: 0, records: 1, skipped: 0 }] });
        const sample = (n: number) => ({ sha256: String(n).repeat(64), md5: 'c'.repeat(32), sha1: 'd'.repeat(40), size: n, type: 'pe', path: `f/${n}`, factsJson: null });
        for (const n of [1, 2, 3]) {
          await w.addSamples([sample(n)]);
          await w.addSightings(pass, [{ indicatorId: ind.id, matched: 'b'.repeat(64), field: 'file.sha256', ts: null, src: null, dst: null, sample: String(n).repeat(64) }]);
          if (n === 2) w.discard();
          else w.end(file(n));
        }
        assert.equal(w.files, 2);
        const outs = await w.commit();
        assert.deepEqual(outs.map((o) => [o.path, o.status, o.sightings, o.samples]), [['f/1', 'new', 1, 1], ['f/3', 'new', 1, 1]]);
        assert.deepEqual((await collect(store.listSightings({}))).map((s) => s.evidence.path), ['f/1', 'f/3']);
        assert.deepEqual((await collect(store.listSamples({}))).map((s) => s.paths), [['f/1'], ['f/3']]);
      } finally {
        await store.close();
        await done();
      }
    });

    test('indexKey: one key per selection and generation, a folder beside the case', async () => {
      const { store, done } = await openCase(backend);
      try {
        await store.addIndicators([{ type: 'domain', value: 'a.example', campaign: 'A', source: 's', warninglist: null }]);
        const sel = { includeWarninglisted: false, gen: await store.currentGeneration() };
        const k = await store.indexKey(sel);
        const dir = backend.indexDir(store.location);
        if (dir === null) {
          // No folder: every hunt builds its index from the case.
          assert.equal(k, null);
          return;
        }
        assert.ok(k);
        assert.equal(k.dir, dir);
        assert.deepEqual(await store.indexKey({ ...sel }), k, 'the same selection, the same key');
        const others = [
          await store.indexKey({ ...sel, includeWarninglisted: true }),
          await store.indexKey({ ...sel, campaign: 'A' }),
        ];
        await store.addIndicators([{ type: 'domain', value: 'b.example', campaign: 'A', source: 's', warninglist: null }]);
        others.push(await store.indexKey({ ...sel, gen: await store.currentGeneration() }));
        assert.equal(new Set([k.key, ...others.map((o) => o?.key)]).size, 4);
      } finally {
        await store.close();
        await done();
      }
    });

    test('analytics roll-ups: per source host, day and host id, kept by every commit; overlap; assets; host-id parameters', async () => {
      const { store, done } = await openCase(backend);
      try {
        await store.addCampaigns([{ name: 'NetTraveler', aliases: ['TravNet'] }, { name: 'Red October', aliases: [] }]);
        await store.addIndicators([
          { type: 'domain', value: 'nt.example', campaign: 'NetTraveler', source: 'nt.txt', warninglist: null },
          { type: 'domain', value: 'shared.example', campaign: 'NetTraveler', source: 'nt.txt', warninglist: null },
          { type: 'domain', value: 'shared.example', campaign: 'Red October', source: 'ro.txt', warninglist: null },
          { type: 'domain', value: 'ro.example', campaign: 'Red October', source: 'ro.txt', warninglist: null },
          { type: 'ipv4', value: '192.0.2.9', campaign: 'NetTraveler', source: 'nt.txt', warninglist: null },
        ]);
        const ids = new Map((await collect(store.huntIndicators({ includeWarninglisted: true }))).flat().map((h) => [h.value, h.id]));
        const id = (v: string) => ids.get(v)!;
        const day = 86_400_000;
        const t0 = Date.UTC(2013, 5, 1, 10);
        const row = (v: string, ts: number | null, src: string | null, extra: Partial<SightingInput> = {}): SightingInput =>
          ({ indicatorId: id(v), matched: v, field: 'dns.query', ts, src, dst: null, line: 1, ...extra });
        const pass = { family: 'zeek', format: 'zeek-dns' };
        const w1 = await store.beginEvidence({ includeWarninglisted: false, gen: await store.currentGeneration() });
        await w1.addSightings(pass, [
          row('nt.example', t0, '10.0.0.1', { hostId: 'H1' }),
          row('nt.example', t0 + day, '10.0.0.1', { hostId: 'H1' }),
          row('nt.example', t0 + 2 * day, '10.0.0.2', { hostId: 'H2' }),
          row('ro.example', t0, '10.0.0.2'),
          row('192.0.2.9', null, null),
        ]);
        await commitOne(w1, { path: 'a.log', sha256: 'a'.repeat(64), size: 1, mtimeMs: 1, passes: [{ ...pass, lines: 5, records: 5, skipped: 0 }] });
        const w2 = await store.beginEvidence({ includeWarninglisted: false, gen: await store.currentGeneration() });
        await w2.addSightings(pass, [
          row('nt.example', t0 - day, '10.0.0.1', { hostId: 'H1' }),
          row('shared.example', t0 + 3 * day, '10.0.0.3'),
          row('nt.example', t0, '198.51.100.7', { field: 'sinkhole.crawler' }),
        ]);
        await commitOne(w2, { path: 'b.log', sha256: 'b'.repeat(64), size: 1, mtimeMs: 1, passes: [{ ...pass, lines: 3, records: 3, skipped: 0 }] });

        assert.equal(await store.campaignActivity('nobody'), null);
        const a = await store.campaignActivity('travnet');
        assert.ok(a);
        assert.equal(a.campaign, 'NetTraveler');
        assert.deepEqual(a.aliases, ['TravNet']);
        // Two sighted indicators: one victim per address, first seen at its earliest.
        assert.deepEqual(a.victims.src.map((src, i) => [src, a.victims.firstTs[i]]).sort(),
          [['10.0.0.1', t0 - day], ['10.0.0.2', t0 + 2 * day], ['10.0.0.3', t0 + 3 * day]]);
        assert.deepEqual(a.excluded, { crawlers: 1, scanners: 0 });
        assert.deepEqual([a.firstTs, a.lastTs, a.sightings], [t0 - day, t0 + 3 * day, 7]);
        const sources = await store.campaignSources('NetTraveler');
        sources.sort((x, y) => (x.src < y.src ? -1 : x.src > y.src ? 1 : 0));
        assert.deepEqual(sources, [
          { src: '', kind: '', firstTs: null, lastTs: null, sightings: 1, indicatorIds: [id('192.0.2.9')] },
          { src: '10.0.0.1', kind: '', firstTs: t0 - day, lastTs: t0 + day, sightings: 3, indicatorIds: [id('nt.example')] },
          { src: '10.0.0.2', kind: '', firstTs: t0 + 2 * day, lastTs: t0 + 2 * day, sightings: 1, indicatorIds: [id('nt.example')] },
          { src: '10.0.0.3', kind: '', firstTs: t0 + 3 * day, lastTs: t0 + 3 * day, sightings: 1, indicatorIds: [id('shared.example')] },
          { src: '198.51.100.7', kind: 'crawler', firstTs: t0, lastTs: t0, sightings: 1, indicatorIds: [id('nt.example')] },
        ]);
        const d0 = Math.floor(t0 / day);
        assert.deepEqual(a.days, [
          { day: d0 - 1, sightings: 1 }, { day: d0, sightings: 1 }, { day: d0 + 1, sightings: 1 }, { day: d0 + 2, sightings: 1 },
          { day: d0 + 3, sightings: 1 },
        ]);
        assert.deepEqual(a.indicatorsByType, { domain: 2, ipv4: 1 });
        assert.deepEqual(a.indicators.map((i) => [i.type, i.value, i.sightings, i.victims]).sort(), [
          ['domain', 'nt.example', 4, 2], ['domain', 'shared.example', 1, 1], ['ipv4', '192.0.2.9', 1, 0],
        ]);
        assert.equal(a.hostIds, 2);
        assert.deepEqual(await store.campaignHostIds('NetTraveler'), [{ hostId: 'H1', src: '10.0.0.1' }, { hostId: 'H2', src: '10.0.0.2' }]);
        const listed = await collect(store.listSightings({ src: '10.0.0.2' }));
        assert.deepEqual(listed.map((s) => s.hostId ?? null), ['H2', null]);

        // Red October reached 10.0.0.2 through its own indicator and 10.0.0.3 through the shared one.
        assert.deepEqual(await store.campaignOverlap('NetTraveler'), [
          { campaign: 'Red October', sharedVictims: ['10.0.0.2', '10.0.0.3'], sharedIndicators: ['domain:shared.example'] },
        ]);

        assert.deepEqual(await store.hostIdParams(), ['hostid']);
        await store.setHostIdParams('travnet', ['UID', 'hostid', ' uid ']);
        assert.deepEqual(await store.hostIdParams(), ['hostid', 'uid']);
        await assert.rejects(store.setHostIdParams('nobody', ['x']), /no campaign named nobody/);

        assert.deepEqual(await store.addAssets([
          { address: '10.0.0.0/24', kind: 'cidr', organisation: 'MFA', sector: 'diplomatic', country: 'MN' },
          { address: 'pc1.corp', kind: 'host', organisation: null, sector: null, country: null },
        ]), { added: 2, replaced: 0 });
        assert.deepEqual(await store.addAssets([
          { address: '10.0.0.0/24', kind: 'cidr', organisation: 'Ministry of Foreign Affairs', sector: 'diplomatic', country: 'MN' },
        ]), { added: 0, replaced: 1 });
        assert.deepEqual(await store.listAssets(), [
          { address: '10.0.0.0/24', kind: 'cidr', organisation: 'Ministry of Foreign Affairs', sector: 'diplomatic', country: 'MN' },
          { address: 'pc1.corp', kind: 'host', organisation: null, sector: null, country: null },
        ]);
      } finally {
        await store.close();
        await done();
      }
    });

    test('pages with cursors and filters; revision marks every change; API tokens by hash', async () => {
      const { store, done } = await openCase(backend);
      try {
        const r0 = await store.revision();
        await store.addCampaigns([{ name: 'NetTraveler', aliases: ['TravNet'] }]);
        const r1 = await store.revision();
        assert.notDeepEqual(r1, r0, 'campaigns change the revision');
        await store.addIndicators([
          { type: 'domain', value: 'nt.example', campaign: 'NetTraveler', source: 'nt.txt', warninglist: null },
          { type: 'domain', value: 'other.example', campaign: 'NetTraveler', source: 'nt.txt', warninglist: null },
          { type: 'domain', value: 'unseen.example', campaign: 'NetTraveler', source: 'nt.txt', warninglist: null },
          { type: 'ipv4', value: '192.0.2.9', campaign: 'Red October', source: 'ro.txt', warninglist: null },
          { type: 'yara', value: 'rules.yar:NT_Marker', campaign: 'NetTraveler', source: 'rules.yar', warninglist: null, ruleSource: 'rule NT_Marker { condition: true }' },
        ]);
        const r2 = await store.revision();
        assert.notEqual(r2.data, r1.data, 'an import changes the revision');
        const ids = new Map((await collect(store.huntIndicators({ includeWarninglisted: true }))).flat().map((h) => [h.value, h.id]));
        const row = (v: string, src: string | null, ts: number | null, line: number, extra: Partial<SightingInput> = {}): SightingInput =>
          ({ indicatorId: ids.get(v)!, matched: v, field: 'dns.query', ts, src, dst: null, line, ...extra });
        const pass = { family: 'zeek', format: 'zeek-dns' };
        const w = await store.beginEvidence({ includeWarninglisted: false, gen: await store.currentGeneration() });
        await w.addSightings(pass, [
          row('nt.example', '10.0.0.1', 1000, 1), row('nt.example', '10.0.0.2', 2000, 2), row('other.example', '10.0.0.1', 3000, 3),
          row('192.0.2.9', '10.0.0.1', 4000, 4), row('nt.example', '10.0.0.1', 5000, 5),
        ]);
        await w.addSamples([{ sha256: 'c'.repeat(64), md5: 'd'.repeat(32), sha1: 'e'.repeat(40), size: 3, type: 'pe', path: 'x/netmgr.exe', factsJson: null }]);
        await w.addSightings({ family: 'files', format: 'files' }, [
          row('rules.yar:NT_Marker', null, null, 0, { field: 'yara', sample: 'c'.repeat(64), line: undefined }),
        ]);
        await commitOne(w, { path: 'a.log', sha256: 'a'.repeat(64), size: 10, mtimeMs: 1,
          passes: [{ ...pass, lines: 5, records: 5, skipped: 1 }, { family: 'files', format: 'files', lines: 0, records: 0, skipped: 0 }] });
        const r3 = await store.revision();
        assert.notEqual(r3.data, r2.data, 'an evidence commit changes the revision');
        assert.deepEqual(await store.revision(), r3, 'reading changes nothing');

        // Sightings: id order, a cursor, a limit, each filter.
        const all = await store.pageSightings({}, 100);
        assert.equal(all.length, 6);
        assert.deepEqual(all.map((r) => r.id), [...all.map((r) => r.id)].sort((a, b) => a - b));
        assert.deepEqual(all.map((r) => r.sighting), await collect(store.listSightings({})), 'the same objects as listSightings');
        const first = await store.pageSightings({}, 2);
        const next = await store.pageSightings({ afterId: first[1]!.id }, 2);
        assert.deepEqual([...first, ...next].map((r) => r.id), all.slice(0, 4).map((r) => r.id));
        assert.equal(new Set(all.map((r) => r.evidenceId)).size, 1);
        const values = async (f: Parameters<Store['pageSightings']>[0]) => (await store.pageSightings(f, 100)).map((r) => `${r.sighting.indicator.value}@${r.sighting.evidence.line ?? '-'}`);
        assert.deepEqual(await values({ indicator: { value: 'nt.example' } }), ['nt.example@1', 'nt.example@2', 'nt.example@5']);
        assert.deepEqual(await values({ indicator: { type: 'domain', value: 'nt.example' }, src: '10.0.0.1' }), ['nt.example@1', 'nt.example@5']);
        assert.deepEqual(await values({ indicator: { type: 'ipv4', value: 'nt.example' } }), []);
        assert.deepEqual(await values({ indicator: { value: 'NT_Marker' } }), ['NT_Marker@-'], 'a rule by its name');
        assert.deepEqual(await values({ indicator: { type: 'yara', value: 'rules.yar:NT_Marker' } }), ['NT_Marker@-']);
        assert.deepEqual(await values({ indicator: { value: 'Marker' } }), [], 'a name is matched whole');
        assert.deepEqual(await values({ campaign: 'travnet', since: 2000, until: 3000 }), ['nt.example@2', 'other.example@3']);
        assert.deepEqual(await values({ campaign: 'Red October' }), ['192.0.2.9@4']);
        assert.deepEqual(await values({ campaign: 'nobody' }), []);
        assert.deepEqual(await values({ evidenceId: all[0]!.evidenceId + 1 }), []);
        assert.deepEqual(await values({ src: '10.0.0.1', limit: 2 }), ['nt.example@1', 'other.example@3']);
        assert.equal((await collect(store.listSightings({ limit: 4 }))).length, 4, 'listSightings honours limit');

        // Indicators: sighted counts, search, cursor.
        const inds = await store.pageIndicators({}, 100);
        assert.deepEqual(inds.map((r) => [r.indicator.value, r.sightings]).sort(),
          [['192.0.2.9', 1], ['NT_Marker', 1], ['nt.example', 3], ['other.example', 1], ['unseen.example', 0]]);
        assert.deepEqual((await store.pageIndicators({ search: 'EXAMPLE', campaign: 'NetTraveler', sighted: true }, 100)).map((r) => r.indicator.value).sort(),
          ['nt.example', 'other.example']);
        assert.deepEqual((await store.pageIndicators({ sighted: false }, 100)).map((r) => r.indicator.value), ['unseen.example']);
        const i1 = await store.pageIndicators({}, 1);
        assert.deepEqual((await store.pageIndicators({ afterId: i1[0]!.id }, 100)).length, 4);

        // Samples: by any hash, cursor.
        const samples = await store.pageSamples({}, 10);
        assert.deepEqual(samples.map((r) => r.sample.paths), [['x/netmgr.exe']]);
        for (const hash of ['c'.repeat(64), 'D'.repeat(32), 'e'.repeat(40)]) assert.equal((await store.pageSamples({ hash }, 10)).length, 1, hash);
        assert.deepEqual(await store.pageSamples({ hash: 'f'.repeat(32) }, 10), []);
        assert.deepEqual(await store.pageSamples({ hash: 'xyz' }, 10), []);
        assert.deepEqual(await store.pageSamples({ afterId: samples[0]!.id }, 10), []);
        assert.equal((await store.pageSamples({ campaign: 'NetTraveler' }, 10)).length, 1);

        // Evidence with its statistics and sightings.
        const ev = await store.pageEvidence({}, 10);
        assert.equal(ev.length, 1);
        assert.deepEqual([ev[0]!.path, ev[0]!.lines, ev[0]!.skipped, ev[0]!.sightings, ev[0]!.families], ['a.log', 5, 1, 6, ['files', 'zeek']]);
        assert.deepEqual(await store.pageEvidence({ id: ev[0]!.id }, 10), ev);
        assert.deepEqual(await store.pageEvidence({ sha256: 'A'.repeat(64) }, 10), ev);
        assert.deepEqual(await store.pageEvidence({ sha256: 'b'.repeat(64) }, 10), []);
        assert.deepEqual(await store.pageEvidence({ afterId: ev[0]!.id }, 10), []);

        // Assets and campaign settings change the revision; assets their own mark.
        await store.addAssets([{ address: '10.0.0.1', kind: 'ip', organisation: 'MFA', sector: 'diplomatic', country: 'MN' }]);
        const r4 = await store.revision();
        assert.notEqual(r4.data, r3.data);
        assert.notEqual(r4.assets, r3.assets);
        await store.setHostIdParams('NetTraveler', ['uid']);
        const r5 = await store.revision();
        assert.notEqual(r5.data, r4.data);
        assert.equal(r5.assets, r4.assets);

        // API tokens: only the hash is kept; found in constant time by the token's text.
        const { token, sha256 } = generateApiToken();
        assert.match(token, /^[A-Za-z0-9_-]{43}$/);
        assert.equal(sha256, apiTokenHash(token));
        const t = await store.addApiToken({ sha256, role: 'reader', name: 'laptop' });
        const t2 = await store.addApiToken({ sha256: generateApiToken().sha256, role: 'analyst', name: null });
        const listed = await store.listApiTokens();
        assert.deepEqual(listed, [t, t2]);
        assert.ok(!JSON.stringify(listed).includes(token), 'the token itself is never stored');
        assert.equal(findApiToken(listed, token)?.id, t.id);
        assert.equal(findApiToken(listed, token + 'x'), null);
        assert.equal(findApiToken(listed, ''), null);
        assert.equal(await store.revokeApiToken(t.id), true);
        assert.equal(await store.revokeApiToken(t.id), false);
        assert.deepEqual((await store.listApiTokens()).map((x) => x.id), [t2.id]);
      } finally {
        await store.close();
        await done();
      }
    });

    test('sightings in a time window: the same rows whichever way the window is read (few rows or many)', async () => {
      const { store, done } = await openCase(backend);
      try {
        await store.addIndicators([
          { type: 'domain', value: 'a.example', campaign: 'A', source: 's', warninglist: null },
          { type: 'domain', value: 'b.example', campaign: 'B', source: 's', warninglist: null },
        ]);
        const ids = (await collect(store.huntIndicators({ includeWarninglisted: false }))).flat().map((h) => h.id);
        const w = await store.beginEvidence({ includeWarninglisted: false, gen: await store.currentGeneration() });
        const n = 45_000;
        // Times out of id order, a few without one; two campaigns interleaved.
        const ts = (i: number) => (i % 97 === 0 ? null : ((i * 7919) % n) * 1000);
        await w.addSightings({ family: 'zeek', format: 'zeek-dns' }, Array.from({ length: n }, (_, i) => (
          { indicatorId: ids[i % 3 === 0 ? 1 : 0]!, matched: 'x', field: 'dns.query', ts: ts(i), src: `10.0.${i % 200}.1`, dst: null, line: i + 1 })));
        await commitOne(w, { path: 'big.log', sha256: 'e'.repeat(64), size: 1, mtimeMs: 1, passes: [{ family: 'zeek', format: 'zeek-dns', lines: n, records: n, skipped: 0 }] });
        const lines = async (f: Parameters<Store['pageSightings']>[0]) => (await collect(store.listSightings(f))).map((x) => x.evidence.line!);
        const expect = (lo: number, hi: number, campaignB?: boolean) => Array.from({ length: n }, (_, i) => i)
          .filter((i) => { const t = ts(i); return t !== null && t >= lo && t <= hi && (campaignB === undefined || (i % 3 === 0) === campaignB); })
          .map((i) => i + 1);
        for (const [lo, hi] of [[0, n * 1000], [5_000_000, 5_999_000], [1000, 30_000_000]] as const) {
          assert.deepEqual(await lines({ since: lo, until: hi }), expect(lo, hi), `${lo}..${hi}`);
          assert.deepEqual(await lines({ since: lo, until: hi, campaign: 'B' }), expect(lo, hi, true), `${lo}..${hi}, B`);
          const page = await store.pageSightings({ since: lo, until: hi, campaign: 'A' }, 100);
          assert.deepEqual(page.map((r) => r.sighting.evidence.line), expect(lo, hi, false).slice(0, 100));
          const next = await store.pageSightings({ since: lo, until: hi, campaign: 'A', afterId: page[99]!.id }, 100);
          assert.deepEqual(next.map((r) => r.sighting.evidence.line), expect(lo, hi, false).slice(100, 200));
        }
        assert.deepEqual(await lines({ since: 5_000_000, until: 5_999_000, src: '10.0.3.1' }), expect(5_000_000, 5_999_000).filter((l) => (l - 1) % 200 === 3));
      } finally {
        await store.close();
        await done();
      }
    });

    test("a sightings page shows its indicators' campaigns and evidence as the case holds them now, whoever changed it", async () => {
      const { store, another, done } = await openCase(backend);
      const other = await another();
      try {
        await store.addIndicators([{ type: 'domain', value: 'a.example', campaign: 'A', source: 's', warninglist: null }]);
        const [id] = (await collect(store.huntIndicators({ includeWarninglisted: false }))).flat().map((h) => h.id);
        const w = await store.beginEvidence({ includeWarninglisted: false, gen: await store.currentGeneration() });
        await w.addSightings({ family: 'zeek', format: 'zeek-dns' }, [{ indicatorId: id!, matched: 'a.example', field: 'dns.query', ts: 1000, src: '10.0.0.1', dst: null, line: 1 }]);
        await commitOne(w, { path: 'a.log', sha256: 'a'.repeat(64), size: 1, mtimeMs: 1, passes: [{ family: 'zeek', format: 'zeek-dns', lines: 1, records: 1, skipped: 0 }] });
        const shown = async (s: Store) => (await s.pageSightings({}, 10)).map((r) => [r.sighting.indicator.campaigns, r.sighting.evidence.path]);
        assert.deepEqual(await shown(store), [[['A'], 'a.log']]);
        assert.deepEqual(await shown(other), [[['A'], 'a.log']]);
        // Read, then changed on this connection: both connections see the change.
        (await store.pageSightings({}, 10))[0]!.sighting.indicator.campaigns.push('mutated by a caller');
        await store.addIndicators([{ type: 'domain', value: 'a.example', campaign: 'B', source: 's', warninglist: null }]);
        assert.deepEqual(await shown(store), [[['A', 'B'], 'a.log']]);
        assert.deepEqual(await shown(other), [[['A', 'B'], 'a.log']]);
        // Changed on the other connection (another process, as a hunt or an import would be).
        await other.addIndicators([{ type: 'domain', value: 'a.example', campaign: 'C', source: 't', warninglist: null }]);
        assert.deepEqual(await shown(store), [[['A', 'B', 'C'], 'a.log']]);
        assert.deepEqual((await collect(store.listSightings({}))).map((x) => x.indicator.campaigns), [['A', 'B', 'C']]);
        assert.deepEqual((await store.pageSightings({}, 10, { by: 'time' })).map((r) => r.sighting.indicator.campaigns), [['A', 'B', 'C']]);
        // What every API request asks, the same way: a token revoked elsewhere is gone at once; a campaign added elsewhere is found.
        const t = await store.addApiToken({ sha256: generateApiToken().sha256, role: 'reader', name: null });
        assert.deepEqual((await store.listApiTokens()).map((x) => x.id), [t.id]);
        assert.equal(await other.revokeApiToken(t.id), true);
        assert.deepEqual(await store.listApiTokens(), []);
        assert.equal(await store.resolveCampaign('d'), null);
        await other.addCampaigns([{ name: 'D', aliases: ['Dee'] }]);
        assert.equal(await store.resolveCampaign('d'), 'D');
        assert.equal(await store.resolveCampaign('dee'), 'D');
      } finally {
        await other.close();
        await store.close();
        await done();
      }
    });

    test('lists more rows than one page', async () => {
      const { store, done } = await openCase(backend);
      try {
        const batch = Array.from({ length: 4500 }, (_, i) => ({ type: 'domain' as const, value: `d${i}.example.com`, campaign: 'C', source: 's', warninglist: null }));
        assert.deepEqual(await store.addIndicators(batch), { added: 4500, merged: 0 });
        const all = await collect(store.listIndicators({ campaign: 'C' }));
        assert.equal(all.length, 4500);
        assert.equal(new Set(all.map((a) => a.value)).size, 4500);
      } finally {
        await store.close();
        await done();
      }
    });
  });
}

/** The store module a child process opens a case with (the one function for every backend). */
const OPEN_MODULE = JSON.stringify(fileURLToPath(new URL('./open.ts', import.meta.url)));

for (const backend of BACKENDS) describe(`indicator import: one file, one transaction, one generation (${backend.name}, two connections on one case)`, { skip: backend.skip }, () => {
  const rows = (values: string[], campaign = 'C', source = 's.txt') =>
    values.map((value) => ({ type: 'domain' as const, value, campaign, source, warninglist: null }));
  async function withCase(fn: (path: string, dir: string) => Promise<void>): Promise<void> {
    const fresh = await backend.fresh();
    try {
      await fn(fresh.location, fresh.dir);
    } finally {
      await fresh.done();
    }
  }
  /** (value, gen) of every reference, read by plain SQL on a connection of its own (the sqlite3 CLI's or psql's route). */
  const refs = async (path: string): Promise<[string, number][]> =>
    await backend.query(path, 'SELECT i.value, r.gen FROM indicator_ref r JOIN indicator i ON i.id = r.indicator_id ORDER BY i.value, r.gen') as [string, number][];

  test('an import rolled back midway leaves nothing: no indicators, campaigns or sources', async () => {
    await withCase(async (path) => {
      const store = await openStore(path);
      try {
        const w = await store.beginImport();
        await w.addCampaigns([{ name: 'Gone', aliases: ['G'] }]);
        await w.add(rows(['a.example', 'b.example'], 'Gone'));
        await w.rollback();
        await assert.rejects(w.commit(), /already finished/);
        assert.deepEqual(await collect(store.listIndicators({})), []);
        assert.deepEqual(await store.listCampaigns(), []);
        assert.equal(await store.currentGeneration(), 0);
        // The connection takes a new import afterwards.
        assert.deepEqual(await store.addIndicators(rows(['c.example'])), { added: 1, merged: 0 });
      } finally {
        await store.close();
      }
    });
  });

  test('a process killed after staging half a file leaves the case as it was', async () => {
    await withCase(async (path, dir) => {
      const first = await openStore(path);
      await first.addIndicators(rows(['kept.example']));
      await first.close();
      const script = join(dir, 'killed.mts');
      writeFileSync(script, `import { openStore } from ${OPEN_MODULE};
const store = await openStore(${JSON.stringify(path)});
const w = await store.beginImport();
await w.addCampaigns([{ name: 'Half', aliases: [] }]);
await w.add(Array.from({ length: 20000 }, (_, i) => ({ type: 'domain', value: 'd' + i + '.example', campaign: 'Half', source: 'half.txt', warninglist: null })));
process.kill(process.pid, 'SIGKILL');
`);
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
      assert.equal(r.signal, 'SIGKILL', r.stderr);
      assert.deepEqual(await refs(path), [['kept.example', 1]]);
      assert.deepEqual(await backend.query(path, 'SELECT name FROM campaign ORDER BY name'), [['C']]);
      assert.deepEqual(await backend.query(path, 'SELECT name FROM source ORDER BY name'), [['s.txt']]);
    });
  });

  test('two imports interleaved on two connections both land, each with one generation of its own; counts are exact', async () => {
    await withCase(async (path) => {
      const a = await openStore(path);
      const b = await openStore(path);
      try {
        await a.addIndicators(rows(['old.example', 'shared.example'], 'Old', 'old.txt'));
        const wa = await a.beginImport();
        const wb = await b.beginImport();
        // Staging takes no lock: each stages while the other is open, and b commits while a is still staging.
        await wa.add(rows(['a1.example', 'both.example', 'old.example'], 'A', 'a.txt'));
        await wb.add(rows(['b1.example', 'both.example'], 'B', 'b.txt'));
        await wa.add(rows(['a2.example', 'a1.example'], 'A', 'a.txt'));
        await wb.add(rows(['shared.example', 'b2.example'], 'B', 'b.txt'));
        assert.deepEqual(await wb.commit(), { added: 3, merged: 1 });
        await wa.add(rows(['a3.example'], 'A', 'a.txt'));
        // both.example is b's now: merged, not added, although a staged it first.
        assert.deepEqual(await wa.commit(), { added: 3, merged: 2 });
        assert.deepEqual(await refs(path), [
          ['a1.example', 3], ['a2.example', 3], ['a3.example', 3], ['b1.example', 2], ['b2.example', 2],
          ['both.example', 2], ['both.example', 3], ['old.example', 1], ['old.example', 3], ['shared.example', 1], ['shared.example', 2],
        ]);
        assert.equal(await a.currentGeneration(), 3);
        assert.equal(await b.currentGeneration(), 3);
        // A file that adds no reference takes no generation.
        assert.deepEqual(await b.addIndicators(rows(['a1.example'], 'A', 'a.txt')), { added: 0, merged: 1 });
        assert.equal(await b.currentGeneration(), 3);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  test('counts are exact while another process writes the case between staging and commit', async () => {
    await withCase(async (path, dir) => {
      const store = await openStore(path);
      try {
        const w = await store.beginImport();
        await w.add(rows(Array.from({ length: 3000 }, (_, i) => `v${i}.example`), 'Mine', 'mine.txt'));
        // Another process adds 2,000 indicators, half of them ones this file staged, after this file's rows were staged.
        const script = join(dir, 'other.mts');
        writeFileSync(script, `import { openStore } from ${OPEN_MODULE};
const store = await openStore(${JSON.stringify(path)});
const r = await store.addIndicators(Array.from({ length: 2000 }, (_, i) => ({ type: 'domain', value: 'v' + (i + 2000) + '.example', campaign: 'Other', source: 'other.txt', warninglist: null })));
process.stdout.write(JSON.stringify(r));
await store.close();
`);
        const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), { added: 2000, merged: 0 });
        assert.deepEqual(await w.commit(), { added: 2000, merged: 1000 });
        assert.deepEqual(await backend.query(path, 'SELECT count(*), count(DISTINCT value) FROM indicator'), [[4000, 4000]]);
        assert.deepEqual(await backend.query(path, 'SELECT gen, count(*) FROM indicator_ref GROUP BY gen ORDER BY gen'), [[1, 2000], [2, 3000]]);
      } finally {
        await store.close();
      }
    });
  });
});
