/**
 * Memory and speed of the indicator index for N domain indicators.
 *
 *   node --import tsx --expose-gc bench/index-memory/run.ts [--n 10000000] [--queries 2000000] [--no-baseline]
 *
 * It also saves the index as a file (src/matching/index-file.ts) under
 * bench/out/index-memory/, loads it back into fresh SharedArrayBuffers,
 * checks the loaded index answers the queries as the built one, and prints
 * the file's size and the save and load times.
 *
 * Generates N realistic random domain names (seeded, reproducible), reports
 * the size of the list as text (one name a line), builds the index from a
 * stream of entries, and prints memoryBytes(), RSS / ArrayBuffer growth, the
 * ratio to the list's size (goal < 2×; Zeek's intel framework needs 6–7×),
 * build time, peak RSS during the build, and lookups/s for half hits (a
 * subdomain of an indicator) and half misses. The baseline is what a user
 * would write otherwise: a JS Set of the names with the same suffix walk,
 * measured in the same run.
 */
import { closeSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  IndicatorIndex, encodeIndexFile, indexFromFile, parseIndexHeader, readIndexPrefix, INDEX_FILE_PREFIX_BYTES, type IndexEntry,
} from '../../src/matching/index.js';
import { prng as makeRandom } from '../prng.js';

const DEFAULT_N = 1_000_000;
const DEFAULT_QUERIES = 2_000_000;
const SEED = 0x5eed;
const MISS_SEED = 0xbad5eed;

const TLDS = ['com', 'com', 'com', 'com', 'net', 'org', 'ru', 'cn', 'info', 'de', 'co.uk', 'xyz', 'top', 'biz', 'com.cn', 'org.ru', 'jp', 'in', 'io', 'kz', 'mn'];
const SYLLABLES = ['ka', 'lo', 'mi', 'net', 'web', 'data', 'up', 'ser', 'vi', 'ce', 'go', 'ogle', 'sky', 'tra', 'vel', 'news', 'mail', 'cn', 'xin', 'hua', 'bei', 'jing', 'ti', 'bet', 'mon', 'gol', 'tech', 'soft', 'ware', 'x', '1', '2', '88', '-'];
const SUBS = ['www', 'mail', 'ns1', 'update', 'cdn', 'api', 'vpn', 'dl'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** Yields `n` names; the i-th name depends only on the seed and i's predecessors. */
function* generateNames(n: number, seed: number): Generator<string> {
  const r = makeRandom(seed);
  for (let i = 0; i < n; i++) {
    let label = '';
    const parts = 2 + Math.floor(r() * 4);
    for (let k = 0; k < parts; k++) label += pick(r, SYLLABLES);
    label = label.replace(/^-+|-+$/g, '') || 'a';
    // A counter keeps names distinct, as in a real deduplicated list.
    const base = `${label}${i.toString(36)}.${pick(r, TLDS)}`;
    yield r() < 0.3 ? `${pick(r, SUBS)}.${base}` : base;
  }
}

function argNumber(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) { g(); g(); }
}

const mb = (b: number): string => `${(b / 1048576).toFixed(1)} MiB`;

function makeQueries(n: number, count: number): string[] {
  const hits: string[] = [];
  const step = Math.max(1, Math.floor(n / (count / 2)));
  let i = 0;
  for (const name of generateNames(n, SEED)) if (i++ % step === 0 && hits.length < count / 2) hits.push(`a.${name}`);
  const misses = [...generateNames(count - hits.length, MISS_SEED)].map((m) => `q.${m}`);
  const all: string[] = [];
  for (let k = 0; k < Math.max(hits.length, misses.length); k++) {
    if (k < hits.length) all.push(hits[k]!);
    if (k < misses.length) all.push(misses[k]!);
  }
  // Flat strings, as a reader's Buffer.toString() gives (template strings are ropes, flattened on first read).
  return all.join('\n').split('\n');
}

function measureLookups(label: string, queries: string[], lookup: (q: string, out: number[]) => number): void {
  const out: number[] = [];
  let found = 0;
  for (let k = 0; k < Math.min(queries.length, 100_000); k++) { out.length = 0; lookup(queries[k]!, out); }
  const t = performance.now();
  for (const q of queries) { out.length = 0; if (lookup(q, out) > 0) found++; }
  const s = (performance.now() - t) / 1000;
  console.log(`${label}: ${(queries.length / s / 1e6).toFixed(2)} M lookups/s (${found} of ${queries.length} matched)`);
}

function main(): void {
  const n = argNumber('--n', DEFAULT_N);
  const queryCount = argNumber('--queries', DEFAULT_QUERIES);
  if (!(n > 0) || !(queryCount > 1)) throw new Error('usage: run.ts [--n N] [--queries Q] [--no-baseline]');
  if (!(globalThis as { gc?: unknown }).gc) console.log('note: run with --expose-gc for steady memory figures');

  let listBytes = 0;
  for (const name of generateNames(n, SEED)) listBytes += name.length + 1;
  console.log(`indicators: ${n} domain names; list text: ${listBytes} bytes (${mb(listBytes)}), ${(listBytes / n).toFixed(1)} bytes a line`);
  const queries = makeQueries(n, queryCount);

  gc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  let peakRss = before.rss;
  const ix = IndicatorIndex.build((function* (): Generator<IndexEntry> {
    let id = 0;
    for (const value of generateNames(n, SEED)) {
      // Sample RSS as the arena grows (the table is built after the last entry; sampled below).
      if ((id & 0xffff) === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
      yield { id: id++, type: 'domain', value };
    }
  })());
  const buildMs = performance.now() - t0;
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  gc();
  const after = process.memoryUsage();
  const bytes = ix.memoryBytes();
  console.log(`index: size ${ix.size}, skipped ${ix.skipped}, built in ${(buildMs / 1000).toFixed(2)} s (${(n / buildMs / 1000).toFixed(2)} M/s)`);
  console.log(`index memoryBytes(): ${bytes} (${mb(bytes)}) = ${(bytes / listBytes).toFixed(2)}× the list (goal < 2×; Zeek intel ≈ 6–7×)`);
  console.log(`process growth: RSS ${mb(after.rss - before.rss)} (${((after.rss - before.rss) / listBytes).toFixed(2)}×), ArrayBuffers ${mb(after.arrayBuffers - before.arrayBuffers)}, JS heap ${mb(after.heapUsed - before.heapUsed)}`);
  console.log(`peak RSS during build (sampled): ${mb(peakRss - before.rss)} over the start (${((peakRss - before.rss) / listBytes).toFixed(2)}× the list)`);
  measureLookups('index', queries, (q, out) => ix.match('domain', q, out));
  saveAndLoad(ix, queries);

  if (process.argv.includes('--no-baseline')) return;
  gc();
  const b0 = process.memoryUsage();
  const t1 = performance.now();
  const set = new Map<string, number>();
  let id = 0;
  for (const name of generateNames(n, SEED)) set.set(name, id++);
  const setMs = performance.now() - t1;
  gc();
  const b1 = process.memoryUsage();
  const setBytes = b1.heapUsed - b0.heapUsed;
  console.log(`baseline JS Map<string, id>: built in ${(setMs / 1000).toFixed(2)} s, heap ${mb(setBytes)} = ${(setBytes / listBytes).toFixed(2)}× the list; index uses ${(bytes / setBytes).toFixed(2)}× of that`);
  measureLookups('baseline Map', queries, (q, out) => {
    const name = q.toLowerCase();
    let pushed = 0;
    for (let i = 0; i >= 0; i = name.indexOf('.', i) < 0 ? -1 : name.indexOf('.', i) + 1) {
      const hit = set.get(i === 0 ? name : name.slice(i));
      if (hit !== undefined) { out.push(hit); pushed++; }
    }
    return pushed;
  });
}

/** Saves the index to a file, loads it the way hunt/index-cache.ts does, and checks it answers as the built one. */
function saveAndLoad(ix: IndicatorIndex, queries: string[]): void {
  const dir = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'out', 'index-memory');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'index.idx');
  const t0 = performance.now();
  const enc = encodeIndexFile(ix, { bench: true });
  const fd = openSync(path, 'w');
  for (const part of [enc.head, ...enc.body]) for (let done = 0; done < part.length;) done += writeSync(fd, part, done, part.length - done);
  closeSync(fd);
  const saveMs = performance.now() - t0;
  const t1 = performance.now();
  const rfd = openSync(path, 'r');
  const prefix = new Uint8Array(INDEX_FILE_PREFIX_BYTES);
  readSync(rfd, prefix, 0, prefix.length, 0);
  const len = readIndexPrefix(prefix);
  if (!len.ok) throw new Error(len.reason);
  const head = new Uint8Array(INDEX_FILE_PREFIX_BYTES + len.value);
  readSync(rfd, head, 0, head.length, 0);
  const h = parseIndexHeader(head);
  if (!h.ok) throw new Error(h.reason);
  let at = h.value.bodyOffset;
  const bufs = h.value.buffers.map((n) => {
    const sab = new SharedArrayBuffer(n);
    for (let done = 0; done < n;) done += readSync(rfd, new Uint8Array(sab), done, Math.min(n - done, 1 << 26), at + done);
    at += n;
    return sab;
  });
  closeSync(rfd);
  const loaded = indexFromFile(h.value, bufs);
  if (!loaded.ok) throw new Error(loaded.reason);
  const loadMs = performance.now() - t1;
  const a: number[] = [], b: number[] = [];
  for (const q of queries) {
    a.length = 0; b.length = 0;
    ix.match('domain', q, a); loaded.value.match('domain', q, b);
    if (a.join() !== b.join()) throw new Error(`loaded index differs on ${q}`);
  }
  console.log(`index file: ${mb(statSync(path).size)}; saved in ${(saveMs / 1000).toFixed(2)} s, loaded (read + checksum) in ${(loadMs / 1000).toFixed(2)} s; same answers to all ${queries.length} queries`);
}

main();
