/**
 * The case's built indexes, kept beside it (docs/design.md, "Layout": the
 * index cache) so a hunt's start costs what its evidence costs, not what the
 * intel costs. One file per selection (campaign, warninglist choice, import
 * generation) in the folder the store names (`<case>-index/`):
 * `g<gen>-<hash of the key>.idx`, in the format of matching/index-file.ts.
 *
 * A hunt loads the file when it exists and everything in it checks out.
 * Node has no mmap: "loading" is one sequential read of the file straight
 * into the SharedArrayBuffers the index (and every worker thread) uses, and
 * a checksum over them; nothing is done per entry. Otherwise the index is
 * built from the store, a page of indicators at a time, and written to a
 * temporary file renamed into place: two hunts racing may both build, and
 * the last rename wins with a whole file. Files of older generations are
 * removed when a newer one is written. A file that cannot be written (a
 * read-only case folder) leaves the hunt with the index it built.
 */
import { randomBytes, createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  IndicatorIndex, encodeIndexFile, indexFromFile, parseIndexHeader, readIndexPrefix, INDEX_FILE_PREFIX_BYTES,
} from '../matching/index.js';
import type { HuntSelection, IndexKey, Store } from '../store/store.js';

/** Bytes per read call: readSync takes at most 2 GiB, and smaller reads keep the page cache's read-ahead streaming. */
const READ_CHUNK_BYTES = 64 * 1024 * 1024;
/** A temporary index file older than this was left by a hunt that died while writing it. */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** Index files are readable by their owner only, as the case file should be. */
const FILE_MODE = 0o600;

/** What a hunt needs of its indicators, without holding them. */
export interface HuntIndex {
  index: IndicatorIndex;
  /** Indicators selected (every type, YARA rules and values the index refused included). */
  count: number;
  /** YARA rules selected: rule name → indicator id. */
  yaraIds: Map<string, number>;
  /** Where the index came from. */
  origin: 'loaded' | 'built' | 'built, not kept';
  /** Why a file that was there was not used, if one was. */
  refused?: string;
}

interface Meta { key: string; count: number; yara: [string, number][] }

/** The index for `sel`: loaded from the case's index folder, or built from the store (and kept there). */
export async function loadHuntIndex(store: Store, sel: HuntSelection): Promise<HuntIndex> {
  const where = await store.indexKey(sel);
  if (where === null) return { ...await buildFromStore(store, sel), origin: 'built, not kept' };
  const path = indexPath(where, sel.gen);
  const read = readIndexFile(path, where.key);
  if (read.ok) return { ...read.value, origin: 'loaded' };
  const built = await buildFromStore(store, sel);
  const kept = writeIndexFile(where, sel.gen, path, built);
  return { ...built, origin: kept ? 'built' : 'built, not kept', ...(read.reason !== 'absent' ? { refused: read.reason } : {}) };
}

/** The file for a key: its generation in the name (so older ones are found without reading them), then the key's hash. */
export function indexPath(where: IndexKey, gen: number): string {
  return join(where.dir, `g${Math.trunc(gen)}-${createHash('sha256').update(where.key).digest('hex').slice(0, 32)}.idx`);
}

type Read = { ok: true; value: Omit<HuntIndex, 'origin'> } | { ok: false; reason: string };

/** Reads and checks an index file; `reason` 'absent' when there is none. */
export function readIndexFile(path: string, key: string): Read {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { ok: false, reason: 'absent' };
  }
  try {
    const size = fstatSync(fd).size;
    const prefix = new Uint8Array(INDEX_FILE_PREFIX_BYTES);
    if (readFully(fd, prefix, 0) !== prefix.length) return { ok: false, reason: 'truncated' };
    const h = readIndexPrefix(prefix);
    if (!h.ok) return h;
    const headBytes = new Uint8Array(INDEX_FILE_PREFIX_BYTES + h.value);
    headBytes.set(prefix);
    if (INDEX_FILE_PREFIX_BYTES + h.value > size) return { ok: false, reason: 'truncated' };
    if (readFully(fd, headBytes.subarray(INDEX_FILE_PREFIX_BYTES), INDEX_FILE_PREFIX_BYTES) !== h.value) return { ok: false, reason: 'truncated' };
    const header = parseIndexHeader(headBytes);
    if (!header.ok) return header;
    const meta = checkMeta(header.value.meta, key);
    if (meta === null) return { ok: false, reason: 'written for another selection or case' };
    if (header.value.fileBytes !== size) return { ok: false, reason: `file is ${size} bytes, header says ${header.value.fileBytes}` };
    const buffers: SharedArrayBuffer[] = [];
    let at = header.value.bodyOffset;
    for (const n of header.value.buffers) {
      const sab = new SharedArrayBuffer(n);
      if (readFully(fd, new Uint8Array(sab), at) !== n) return { ok: false, reason: 'truncated' };
      at += n;
      buffers.push(sab);
    }
    const ix = indexFromFile(header.value, buffers);
    if (!ix.ok) return ix;
    return { ok: true, value: { index: ix.value, count: meta.count, yaraIds: new Map(meta.yara) } };
  } catch (e) {
    return { ok: false, reason: `unreadable: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  } finally {
    closeSync(fd);
  }
}

/** The metadata when it is well formed and for this key, else null. */
function checkMeta(m: unknown, key: string): Meta | null {
  if (m === null || typeof m !== 'object') return null;
  const { key: k, count, yara } = m as Record<string, unknown>;
  if (k !== key || !Number.isSafeInteger(count) || (count as number) < 0 || !Array.isArray(yara)) return null;
  for (const y of yara) {
    if (!Array.isArray(y) || y.length !== 2 || typeof y[0] !== 'string' || !Number.isSafeInteger(y[1])) return null;
  }
  return { key: k, count: count as number, yara: yara as [string, number][] };
}

/** Reads into `into` from file offset `at` until it is full or the file ends; returns the bytes read. */
function readFully(fd: number, into: Uint8Array, at: number): number {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, Math.min(READ_CHUNK_BYTES, into.length - done), at + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Builds the index from the store's pages; keeps no entry once added. */
async function buildFromStore(store: Store, sel: HuntSelection): Promise<Omit<HuntIndex, 'origin'>> {
  const builder = IndicatorIndex.builder();
  const yaraIds = new Map<string, number>();
  let count = 0;
  const filter = { includeWarninglisted: sel.includeWarninglisted, gen: sel.gen, ...(sel.campaign !== undefined ? { campaign: sel.campaign } : {}) };
  for await (const page of store.huntIndicators(filter)) {
    for (const h of page) {
      count++;
      if (h.type === 'yara') yaraIds.set(h.value, h.id);
      else builder.add(h);
    }
  }
  return { index: builder.finish(), count, yaraIds };
}

/** Writes the index atomically (temporary file, then rename) and removes older generations' files; false when it could not. */
function writeIndexFile(where: IndexKey, gen: number, path: string, built: Omit<HuntIndex, 'origin'>): boolean {
  const meta: Meta = { key: where.key, count: built.count, yara: [...built.yaraIds] };
  const enc = encodeIndexFile(built.index, meta);
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(where.dir, { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, 'wx', FILE_MODE);
    try {
      for (const part of [enc.head, ...enc.body]) {
        for (let done = 0; done < part.length;) done += writeSync(fd, part, done, Math.min(READ_CHUNK_BYTES, part.length - done));
      }
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch {
    try { unlinkSync(tmp); } catch { /* never created */ }
    return false;
  }
  removeOlder(where.dir, gen);
  return true;
}

/** Removes index files of generations before `gen`, and temporary files left by hunts that died writing. */
function removeOlder(dir: string, gen: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    const m = /^g(\d+)-[0-9a-f]{32}\.idx(\..*\.tmp)?$/.exec(name);
    if (!m) continue;
    const p = join(dir, name);
    try {
      if (m[2] !== undefined) {
        if (now - statSync(p).mtimeMs > STALE_TEMP_MS) unlinkSync(p);
      } else if (Number(m[1]) < gen) {
        unlinkSync(p);
      }
    } catch { /* removed by another hunt meanwhile */ }
  }
}
