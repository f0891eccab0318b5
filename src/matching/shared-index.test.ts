import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import type { ObservedKind } from '../core/model.js';
import { IndicatorIndex, type IndexEntry } from './index.js';

const ENTRIES: IndexEntry[] = [
  { id: 1, type: 'domain', value: 'example.net' },
  { id: 2, type: 'ipv4', value: '192.0.2.1' },
  { id: 3, type: 'cidr', value: '2001:db8::/32' },
  { id: 4, type: 'url', value: 'http://example.net/dir/' },
  { id: 5, type: 'url', value: 'http://example.net/a?b=c' },
  { id: 6, type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' },
  { id: 7, type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
  { id: 8, type: 'sha256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  { id: 9, type: 'filename', value: 'netmgr.exe' },
  { id: 10, type: 'email', value: 'bad@example.net' },
  { id: 11, type: 'cidr', value: '192.0.2.0/24' },
];

const QUERIES: Array<[ObservedKind, string]> = [
  ['domain', 'WWW.example.net.'], ['domain', 'badexample.net'], ['ip', '192.0.2.1'], ['ip', '192.0.2.9'],
  ['ip', '2001:db8:ffff::1'], ['url', 'http://example.net/dir/x'], ['url', 'http://example.net/a?b=c'],
  ['hash', 'D41D8CD98F00B204E9800998ECF8427E'], ['hash', 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709'],
  ['hash', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855'],
  ['filename', 'C:\\x\\NetMgr.exe'], ['email', 'BAD@example.net'], ['ip', '10.0.0.1'],
];

const EXPECTED = [[1], [], [2, 11], [11], [3], [4], [5], [6], [7], [8], [9], [10], []];

/** Node 20 does not run a worker's .ts entry through `--import tsx`, so a small .mjs entry registers tsx first. */
const WORKER_ENTRY = new URL('./testing/ts-worker.mjs', import.meta.url);
const WORKER_SCRIPT = new URL('./testing/match-worker.ts', import.meta.url).href;

function runWorker(data: unknown): Promise<{ results: number[][]; size: number; memoryBytes: number; arenaIsShared: boolean }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_ENTRY, { workerData: { ...(data as object), script: WORKER_SCRIPT } });
    let msg: unknown;
    w.once('message', (m) => { msg = m; });
    w.once('error', reject);
    w.once('exit', (code) => (code === 0 ? resolve(msg as never) : reject(new Error(`worker exited ${code}`))));
  });
}

test('toShared/fromShared in the same thread: same answers, same memory', () => {
  const ix = IndicatorIndex.build(ENTRIES);
  const copy = IndicatorIndex.fromShared(ix.toShared());
  assert.equal(copy.size, 11);
  assert.equal(copy.memoryBytes(), ix.memoryBytes());
  for (let i = 0; i < QUERIES.length; i++) {
    const [kind, value] = QUERIES[i]!;
    const a: number[] = [];
    copy.match(kind, value, a);
    assert.deepEqual(a.sort((x, y) => x - y), EXPECTED[i], `${kind} ${value}`);
  }
  const s = ix.toShared();
  assert.ok(s.domain.arena instanceof SharedArrayBuffer);
  assert.ok(s.v4.keys instanceof SharedArrayBuffer);
  assert.ok(s.md5.slots instanceof SharedArrayBuffer);
});

test('fromShared refuses something that is no shared index', () => {
  assert.throws(() => IndicatorIndex.fromShared({} as never), /not a shared indicator index/);
  const s = IndicatorIndex.build(ENTRIES).toShared();
  assert.throws(() => IndicatorIndex.fromShared({ ...s, domain: { ...s.domain, arenaLength: s.domain.arena.byteLength + 1 } }), /too short/);
});

test('a worker thread matches on the one shared copy', async () => {
  const ix = IndicatorIndex.build(ENTRIES);
  const shared = ix.toShared();
  const reply = await runWorker({ shared, queries: QUERIES });
  assert.deepEqual(reply.results, EXPECTED);
  assert.equal(reply.size, 11);
  assert.equal(reply.memoryBytes, ix.memoryBytes());
  assert.equal(reply.arenaIsShared, true);
  // The worker wrote a mark into the IPv4 keys it was sent: this thread sees it, so nothing was copied.
  assert.equal(new Uint32Array(shared.v4.keys)[0], 0xdeadbeef);
});
