/**
 * Walks files and folders, read-only, yielding each regular file with its
 * bytes. The only file-system I/O in samples/: it opens files for reading
 * only (O_NONBLOCK, so a FIFO swapped in after the check cannot hang it),
 * never writes, never changes modes, never executes.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Dirent, type Stats } from 'node:fs';
import { opendir, realpath, stat } from 'node:fs/promises';
import { DEFAULT_MAX_FILE_SIZE } from '../core/limits.js';
import { diag, quoteForDiagnostic, type Diagnostic } from '../core/diagnostic.js';

/** Entries read from one folder at a time (opendir's buffer). */
const DIR_BUFFER_ENTRIES = 256;
/** Folders nested deeper than this are not entered (a loop the dev:ino check misses, e.g. through bind mounts, ends here). */
const MAX_DIR_DEPTH = 256;
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/** How walkFiles behaves. */
export interface WalkOptions {
  /** Files larger than this → diagnostic 'too-large', skipped (default core/limits DEFAULT_MAX_FILE_SIZE). */
  maxFileSize?: number;
  onDiagnostic(d: Diagnostic): void;
  /** Stops the walk between files. */
  signal?: AbortSignal;
  /**
   * Follow symbolic links inside a given folder even when they point outside every
   * path given (default false: such a link is reported, code 'skipped', and not
   * followed, so an evidence folder cannot make the walk read /etc/passwd). A link
   * given itself as a path is always followed: the user named it.
   */
  followSymlinks?: boolean;
}

/** What the folder walk needs of the options, and the resolved roots links must stay in. */
type DirWalk = Pick<WalkOptions, 'onDiagnostic' | 'signal' | 'followSymlinks'> & {
  /** Real paths of the paths given (links resolved), each without a trailing `/` but for `/` itself. */
  roots: string[];
};

/** A regular file found by the walk. */
export interface WalkedFile {
  /** As given, joined with `/` below a given folder (relative stays relative). */
  path: string;
  size: number;
  data: Buffer;
}

/** A regular file found by walkPaths (not read). */
export interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** What kind of special file a Stats or Dirent is, for the diagnostic. */
function describeSpecial(s: Stats | Dirent): string {
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/** Joins a folder path as given and an entry name, without normalising the folder part. */
function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** The error's code and message, quoted for a diagnostic. */
function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return quoteForDiagnostic(e.code ?? e.message ?? String(err), 120);
}

/** Whether the real path `target` is one of `roots` or below one. */
function isInsideRoots(target: string, roots: readonly string[]): boolean {
  return roots.some((r) => target === r || target.startsWith(r.endsWith('/') ? r : `${r}/`));
}

/**
 * Recursive walk of files and folders as given (paths as given, relative stays
 * relative), yielding regular files with their bytes, folders in name order.
 * Survives symlink loops (dev:ino of visited folders), special files (FIFOs,
 * sockets, devices: skipped with a diagnostic, never opened), unreadable files
 * and too-long paths (diagnostic 'unreadable'); files over maxFileSize →
 * diagnostic 'too-large', skipped. Symbolic links are followed while they stay
 * inside the paths given (or always, with `followSymlinks`); a path given that
 * is itself a link is followed.
 */
export async function* walkFiles(paths: string[], opts: WalkOptions): AsyncGenerator<WalkedFile> {
  for await (const found of walkPaths(paths, opts)) {
    const f = readRegularFileSync(found.path, opts);
    if (f) yield f;
  }
}

/**
 * The same walk without reading: regular files with their size and
 * modification time, for callers that stream files themselves (the hunt).
 */
export async function* walkPaths(
  paths: readonly string[], opts: Pick<WalkOptions, 'onDiagnostic' | 'signal' | 'followSymlinks'>,
): AsyncGenerator<FoundFile> {
  const visited = new Set<string>();
  const roots: string[] = [];
  // Every root first: a link in one folder given may point into another folder given.
  for (const p of paths) {
    try {
      roots.push(await realpath(p));
    } catch {
      // reported below, when the path itself is read
    }
  }
  const walk: DirWalk = { ...opts, roots };
  for (const p of paths) {
    if (opts.signal?.aborted) return;
    let st: Stats;
    try {
      st = await stat(p);
    } catch (err) {
      opts.onDiagnostic(diag('unreadable', p, `cannot read: ${describeError(err)}`));
      continue;
    }
    if (st.isDirectory()) yield* walkDir(p, st, 0, visited, walk);
    else if (st.isFile()) yield { path: p, size: st.size, mtimeMs: st.mtimeMs };
    else opts.onDiagnostic(diag('skipped', p, `${describeSpecial(st)}: not read`));
  }
}

/** Walks one folder (already stat'ed), depth-first in name order. */
async function* walkDir(dir: string, st: Stats, depth: number, visited: Set<string>, opts: DirWalk): AsyncGenerator<FoundFile> {
  const key = `${st.dev}:${st.ino}`;
  if (visited.has(key)) {
    opts.onDiagnostic({ ...diag('skipped', dir, 'folder already walked (symbolic link loop or repeat): not walked again'), severity: 'warning' });
    return;
  }
  if (depth >= MAX_DIR_DEPTH) {
    opts.onDiagnostic(diag('skipped', dir, `folders nested deeper than ${MAX_DIR_DEPTH}: not walked`));
    return;
  }
  visited.add(key);
  let entries: Dirent[];
  try {
    entries = [];
    const handle = await opendir(dir, { bufferSize: DIR_BUFFER_ENTRIES });
    for await (const e of handle) entries.push(e);
  } catch (err) {
    opts.onDiagnostic(diag('unreadable', dir, `cannot list folder: ${describeError(err)}`));
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (opts.signal?.aborted) return;
    const p = joinPath(dir, e.name);
    if (e.isFile() || e.isDirectory() || e.isSymbolicLink()) {
      let target: Stats;
      try {
        if (e.isSymbolicLink() && !opts.followSymlinks) {
          const to = await realpath(p);
          if (!isInsideRoots(to, opts.roots)) {
            opts.onDiagnostic(diag('skipped', p,
              `symbolic link to ${quoteForDiagnostic(to, 200)}, outside the paths given: not followed (--follow-symlinks follows it)`));
            continue;
          }
        }
        target = await stat(p);
      } catch (err) {
        opts.onDiagnostic(diag('unreadable', p, `cannot read: ${describeError(err)}`));
        continue;
      }
      if (target.isDirectory()) yield* walkDir(p, target, depth + 1, visited, opts);
      else if (target.isFile()) yield { path: p, size: target.size, mtimeMs: target.mtimeMs };
      else opts.onDiagnostic(diag('skipped', p, `${describeSpecial(target)}: not read`));
    } else {
      opts.onDiagnostic(diag('skipped', p, `${describeSpecial(e)}: not read`));
    }
  }
}

/**
 * Reads a whole regular file read-only (`O_NONBLOCK`, fstat on the open
 * descriptor: a FIFO or device swapped in after the walk looked is reported,
 * never read), up to the size limit. Blocking calls, for a worker thread that
 * reads one file at a time: four system calls and no round trips through
 * libuv's thread pool (with many small files those cost more than the reading).
 */
export function readRegularFileSync(path: string, opts: Pick<WalkOptions, 'maxFileSize' | 'onDiagnostic'>): WalkedFile | null {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    opts.onDiagnostic(diag('unreadable', path, `cannot open: ${describeError(err)}`));
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      opts.onDiagnostic(diag('skipped', path, `${describeSpecial(st)}: not read`));
      return null;
    }
    const maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    if (st.size > maxFileSize) {
      opts.onDiagnostic(diag('too-large', path, `file of ${st.size} bytes over the limit of ${maxFileSize}: not read`));
      return null;
    }
    const data = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, data, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return { path, size: got, data: got === st.size ? data : data.subarray(0, got) };
  } catch (err) {
    opts.onDiagnostic(diag('unreadable', path, `cannot read: ${describeError(err)}`));
    return null;
  } finally {
    try { closeSync(fd); } catch { /* closing a read-only descriptor cannot lose data */ }
  }
}

