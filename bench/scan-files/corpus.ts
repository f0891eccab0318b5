/**
 * The scan-files corpus: N generated PEs (20 KB–2 MB, log-uniform), ~2% of
 * them carrying a planted rule string, a few zips of PEs, some plain text
 * and data files, and Wine's PE DLLs when installed. Every file comes from
 * its own seeded PRNG, so the corpus is the same on every run; a manifest
 * lets a later run with the same settings reuse it. Files are mode 0644.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildZip } from '../../src/samples/testing/zip-writer.js';
import { prng } from '../prng.js';
import { buildBenchPe, buildRandomBytes, getStringPool } from './build-pe.js';
import { PLANTED_STRINGS } from './planted-strings.js';

/** Bump when the generator changes, so an old corpus is not reused. */
const GENERATOR_VERSION = 1;
const SEED = 20140708;
const MIN_PE_BYTES = 20 * 1024;
const MAX_PE_BYTES = 2 * 1024 * 1024;
/** One PE in PLANT_EVERY carries a planted string (2%). */
const PLANT_EVERY = 50;
/** One zip per this many PEs (at least MIN_ZIPS), each holding PES_PER_ZIP small PEs. */
const PES_PER_ZIP_GROUP = 400;
const MIN_ZIPS = 3;
const PES_PER_ZIP = 4;
const MAX_ZIPPED_PE_BYTES = 200 * 1024;
/** One text or data file per this many PEs. */
const OTHER_EVERY = 20;
const MAX_OTHER_BYTES = 512 * 1024;
const FILE_MODE = 0o644;
/** Where Debian/Ubuntu's wine64 keeps its PE DLLs. */
export const WINE_DLL_DIR = '/usr/lib/x86_64-linux-gnu/wine/x86_64-windows';

/** A file of the corpus that carries a planted string. */
export interface PlantedFile {
  /** Path relative to the corpus root. */
  path: string;
  /** Archive member name when the PE is inside a zip. */
  inside?: string;
  rule: string;
  size: number;
}

/** What the corpus holds (also its manifest). */
export interface CorpusManifest {
  version: number;
  seed: number;
  peCount: number;
  /** Every PE this size (the many-small-files corpus), else 20 KB–2 MB log-uniform. */
  peBytes?: number;
  /** PEs written directly (relative paths), Wine's included. */
  pePaths: string[];
  zipCount: number;
  otherCount: number;
  wineCount: number;
  planted: PlantedFile[];
  files: number;
  bytes: number;
}

/** A file's own PRNG: seed and index mixed so files do not share streams. */
function fileRandom(kind: number, index: number): () => number {
  return prng((SEED ^ Math.imul(kind + 1, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}

function logUniform(rnd: () => number, lo: number, hi: number): number {
  return Math.floor(lo * Math.pow(hi / lo, rnd()));
}

function writeFile0644(path: string, data: Buffer): void {
  writeFileSync(path, data, { mode: FILE_MODE });
  chmodSync(path, FILE_MODE);
}

/** Plain text: lines of words, like a readme or a config dump (not a log format). */
function buildText(rnd: () => number, size: number): Buffer {
  const pool = getStringPool().toString('latin1').split('\0');
  const lines: string[] = [];
  let n = 0;
  while (n < size) {
    const words = Array.from({ length: 4 + Math.floor(rnd() * 10) }, () => pool[Math.floor(rnd() * pool.length)]!);
    const line = words.join(' ');
    lines.push(line);
    n += line.length + 1;
  }
  return Buffer.from(lines.join('\n') + '\n', 'latin1');
}

/** PE `i` of the corpus (planted when i % PLANT_EVERY is PLANT_EVERY/2). */
function buildCorpusPe(i: number, peBytes: number | undefined): { data: Buffer; isDll: boolean; rule: string | null; } {
  const rnd = fileRandom(0, i);
  const size = peBytes ?? logUniform(rnd, MIN_PE_BYTES, MAX_PE_BYTES);
  const plantIndex = i % PLANT_EVERY === PLANT_EVERY / 2 ? Math.floor(i / PLANT_EVERY) % PLANTED_STRINGS.length : -1;
  const plant = plantIndex >= 0 ? PLANTED_STRINGS[plantIndex]! : null;
  const pe = buildBenchPe(rnd, size, plant?.bytes);
  return { ...pe, rule: plant?.rule ?? null };
}

function readManifest(path: string): CorpusManifest | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CorpusManifest;
  } catch {
    return null;
  }
}

/** Copies Wine's PE DLLs (when that folder exists) into `dir`; returns their relative paths. */
function copyWineDlls(dir: string): string[] {
  if (!existsSync(WINE_DLL_DIR)) return [];
  mkdirSync(join(dir, 'wine'), { recursive: true });
  const out: string[] = [];
  for (const name of readdirSync(WINE_DLL_DIR).sort()) {
    const from = join(WINE_DLL_DIR, name);
    const st = statSync(from, { throwIfNoEntry: false });
    if (!st?.isFile() || st.size > 64 * 1024 * 1024) continue;
    const rel = join('wine', name);
    copyFileSync(from, join(dir, rel));
    chmodSync(join(dir, rel), FILE_MODE);
    out.push(rel);
  }
  return out;
}

/**
 * Makes (or reuses, when its manifest matches) the corpus of `peCount` PEs
 * under `dir`, and returns its manifest. `dir` is emptied before writing.
 */
export function ensureCorpus(dir: string, peCount: number, log: (m: string) => void, peBytes?: number): CorpusManifest {
  const manifestPath = join(dir, '..', 'corpus.json');
  const wineWanted = existsSync(WINE_DLL_DIR);
  const old = readManifest(manifestPath);
  if (old && old.version === GENERATOR_VERSION && old.seed === SEED && old.peCount === peCount && old.peBytes === peBytes &&
      (old.wineCount > 0) === wineWanted && existsSync(dir)) {
    log(`corpus: reusing ${dir} (${old.files} files, ${(old.bytes / 1e6).toFixed(0)} MB)`);
    return old;
  }
  const t0 = performance.now();
  rmSync(dir, { recursive: true, force: true });
  rmSync(manifestPath, { force: true });
  for (const sub of ['pe', 'zip', 'other']) mkdirSync(join(dir, sub), { recursive: true });
  const m: CorpusManifest = {
    version: GENERATOR_VERSION, seed: SEED, peCount, ...(peBytes !== undefined ? { peBytes } : {}), pePaths: [], zipCount: 0, otherCount: 0, wineCount: 0, planted: [], files: 0, bytes: 0,
  };
  const add = (rel: string, data: Buffer): void => {
    writeFile0644(join(dir, rel), data);
    m.files++;
    m.bytes += data.length;
  };
  for (let i = 0; i < peCount; i++) {
    const pe = buildCorpusPe(i, peBytes);
    const rel = join('pe', `${String(i).padStart(5, '0')}.${pe.isDll ? 'dll' : 'exe'}`);
    add(rel, pe.data);
    m.pePaths.push(rel);
    if (pe.rule) m.planted.push({ path: rel, rule: pe.rule, size: pe.data.length });
  }
  const zips = Math.max(MIN_ZIPS, Math.round(peCount / PES_PER_ZIP_GROUP));
  for (let z = 0; z < zips; z++) {
    const rnd = fileRandom(1, z);
    const rel = join('zip', `${String(z).padStart(3, '0')}.zip`);
    const entries = Array.from({ length: PES_PER_ZIP }, (_, k) => {
      // The first member of the first zip carries a planted string: sightline opens zips, yara -r does not.
      const plant = z === 0 && k === 0 ? PLANTED_STRINGS[0]! : null;
      const pe = buildBenchPe(rnd, logUniform(rnd, MIN_PE_BYTES, MAX_ZIPPED_PE_BYTES), plant?.bytes);
      const name = `setup${k}.${pe.isDll ? 'dll' : 'exe'}`;
      if (plant) m.planted.push({ path: rel, inside: name, rule: plant.rule, size: pe.data.length });
      return { name, data: pe.data, method: 'deflate' as const };
    });
    add(rel, buildZip(entries));
    m.zipCount++;
  }
  const others = Math.max(2, Math.floor(peCount / OTHER_EVERY));
  for (let k = 0; k < others; k++) {
    const rnd = fileRandom(2, k);
    const size = logUniform(rnd, 1024, MAX_OTHER_BYTES);
    const text = k % 2 === 0;
    add(join('other', `${String(k).padStart(4, '0')}.${text ? 'txt' : 'bin'}`), text ? buildText(rnd, size) : buildRandomBytes(rnd, size));
    m.otherCount++;
  }
  for (const rel of copyWineDlls(dir)) {
    m.pePaths.push(rel);
    m.wineCount++;
    m.files++;
    m.bytes += statSync(join(dir, rel)).size;
  }
  writeFileSync(manifestPath, JSON.stringify(m) + '\n');
  log(`corpus: wrote ${m.files} files (${(m.bytes / 1e6).toFixed(0)} MB) to ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return m;
}
