/**
 * boundPeFacts: keeps a PE's facts, as stored and printed, within a size cap. A hostile
 * file can make a few bytes stand for a great many list entries (65,536 import thunks
 * pointing at one 500-byte name: 263 KB of file, 34 MB of JSON), so every list has a
 * count limit (its reader's, or MAX_ERRORS here) and the whole serialised object has a
 * byte cap. Past the cap the longest lists are cut first, each to the same allowance,
 * and PeFacts.truncated says which lists were cut and how many entries they had.
 */
import type { PeFacts, PeImport, PeListName } from './types.js';

/** Smallest facts cap: room for any ordinary program's facts whatever its size. */
export const MAX_FACTS_BYTES_FLOOR = 256 * 1024;
/**
 * Largest facts cap. Well-formed large DLLs need it: libgnat-12.dll (15 MB, 14,242
 * exports) serialises to about 1.1 MB. A file's own size is its cap in between, since a
 * well-formed file's names are stored in it: only pointer tricks make facts outgrow it.
 */
export const MAX_FACTS_BYTES_CEILING = 4 * 1024 * 1024;
/** Most `errors` lines kept: the other lists are capped by their readers. */
export const MAX_ERRORS = 256;
/** Bytes set aside for the `truncated` object itself (nine keys with 10-digit counts fit well within it). */
const TRUNCATED_RESERVE = 512;

/** The facts cap for a file of `fileSize` bytes: its own size, within [FLOOR, CEILING]. */
export function computeFactsCap(fileSize: number): number {
  return Math.min(MAX_FACTS_BYTES_CEILING, Math.max(MAX_FACTS_BYTES_FLOOR, fileSize));
}

/** UTF-8 bytes of a value's JSON. */
function jsonBytes(v: unknown): number {
  return Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8');
}

/**
 * UTF-8 bytes of a flat object's JSON (string and number values), with each string's size
 * cached: a hostile table repeats one long name thousands of times, and measuring it once
 * keeps bounding as cheap as the parse.
 */
function flatObjectBytes(o: object, cache: Map<string, number>): number {
  const sized = (s: string): number => {
    let n = cache.get(s);
    if (n === undefined) { n = jsonBytes(s); cache.set(s, n); }
    return n;
  };
  let n = 2;
  let first = true;
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    n += (first ? 0 : 1) + sized(k) + 1 + (typeof v === 'string' ? sized(v) : jsonBytes(v));
    first = false;
  }
  return n;
}

/** One cuttable list: the byte size of each entry (a comma included) and how to keep the first `n`. */
interface CutList {
  name: PeListName;
  sizes: number[];
  keep(n: number): void;
}

/** Records that `name` held `found` entries (the larger count wins: a reader may have counted more). */
function noteCut(facts: PeFacts, name: PeListName, found: number): void {
  facts.truncated[name] = Math.max(facts.truncated[name] ?? 0, found);
}

/** The cuttable lists of `facts`. Imports are cut in functions; a DLL's own bytes ride on its first function. */
function listCuttable(facts: PeFacts): CutList[] {
  const arrays: Array<[PeListName, unknown[], (n: number) => void]> = [
    ['sections', facts.sections, (n) => { facts.sections = facts.sections.slice(0, n); }],
    ['exports', facts.exports, (n) => { facts.exports = facts.exports.slice(0, n); }],
    ['resources', facts.resources, (n) => { facts.resources = facts.resources.slice(0, n); }],
    ['otherTimestamps', facts.otherTimestamps, (n) => { facts.otherTimestamps = facts.otherTimestamps.slice(0, n); }],
    ['anomalies', facts.anomalies, (n) => { facts.anomalies = facts.anomalies.slice(0, n); }],
    ['errors', facts.errors, (n) => { facts.errors = facts.errors.slice(0, n); }],
  ];
  const out: CutList[] = arrays.map(([name, list, keep]) => ({ name, sizes: list.map((e) => jsonBytes(e) + 1), keep }));

  const importSizes: number[] = [];
  const cache = new Map<string, number>();
  for (const imp of facts.imports) {
    imp.functions.forEach((f, i) => importSizes.push(flatObjectBytes(f, cache) + 1 + (i === 0 ? jsonBytes({ dll: imp.dll, functions: [] }) + 1 : 0)));
  }
  out.push({ name: 'imports', sizes: importSizes, keep: (n) => { facts.imports = keepImportFunctions(facts.imports, n); } });
  if (facts.versionInfo !== null) {
    const vi = facts.versionInfo;
    const entries = Object.entries(vi.strings);
    out.push({
      name: 'versionInfo', sizes: entries.map(([k, v]) => jsonBytes(k) + jsonBytes(v) + 2),
      keep: (n) => { facts.versionInfo = { ...vi, strings: Object.fromEntries(entries.slice(0, n)) }; },
    });
  }
  if (facts.rich !== null) {
    const rich = facts.rich;
    out.push({ name: 'rich', sizes: rich.entries.map((e) => jsonBytes(e) + 1), keep: (n) => { facts.rich = { ...rich, entries: rich.entries.slice(0, n) }; } });
  }
  return out;
}

/** The first `n` functions, all DLLs together, in order (a DLL left with none is dropped). */
function keepImportFunctions(imports: PeImport[], n: number): PeImport[] {
  const out: PeImport[] = [];
  for (const imp of imports) {
    if (n <= 0) break;
    const functions = imp.functions.slice(0, n);
    n -= functions.length;
    out.push({ dll: imp.dll, functions });
  }
  return out;
}

/** Entries of `sizes` that fit, from the start, within `allowance` bytes. */
function countFitting(sizes: number[], allowance: number): number {
  let used = 0;
  for (let i = 0; i < sizes.length; i++) {
    used += sizes[i]!;
    if (used > allowance) return i;
  }
  return sizes.length;
}

/**
 * The one allowance every list is cut to so that all fit in `budget` bytes: lists smaller
 * than it are kept whole, the longer ones share what is left equally (so the longest are
 * cut first, and most).
 */
function computeAllowance(totals: number[], budget: number): number {
  const sorted = [...totals].sort((a, b) => a - b);
  let left = Math.max(0, budget);
  for (let i = 0; i < sorted.length; i++) {
    const share = left / (sorted.length - i);
    if (sorted[i]! > share) return Math.floor(share);
    left -= sorted[i]!;
  }
  return Number.POSITIVE_INFINITY;
}

/** What boundPeFacts did. */
export interface BoundedFacts {
  /** UTF-8 bytes of JSON.stringify(facts) after cutting. */
  bytes: number;
  /** JSON.stringify(facts) after cutting: what the case stores. */
  json: string;
  /** Whether the size cap cut any list (the MAX_ERRORS count cap aside). */
  cut: boolean;
}

/**
 * Cuts `facts` in place so that JSON.stringify(facts) takes at most `maxBytes` UTF-8 bytes
 * (the header fields alone, a few KB at most, are never cut), and `errors` holds at most
 * MAX_ERRORS lines.
 */
export function boundPeFacts(facts: PeFacts, maxBytes: number): BoundedFacts {
  // The common case, one serialisation: facts already within the cap.
  if (facts.errors.length <= MAX_ERRORS) {
    const json = JSON.stringify(facts);
    // UTF-16 length ≥ UTF-8 bytes / 3: measure bytes only when it could matter.
    if (json.length * 3 <= maxBytes) return { bytes: Buffer.byteLength(json, 'utf8'), json, cut: false };
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes <= maxBytes) return { bytes, json, cut: false };
  }
  if (facts.errors.length > MAX_ERRORS) {
    noteCut(facts, 'errors', facts.errors.length);
    facts.errors = facts.errors.slice(0, MAX_ERRORS);
  }
  const lists = listCuttable(facts);
  const totals = lists.map((l) => l.sizes.reduce((a, b) => a + b, 0));
  const listBytes = totals.reduce((a, b) => a + b, 0);
  const base = jsonBytes({
    ...facts, sections: [], exports: [], resources: [], otherTimestamps: [], anomalies: [], errors: [], imports: [],
    versionInfo: facts.versionInfo === null ? null : { ...facts.versionInfo, strings: {} },
    rich: facts.rich === null ? null : { ...facts.rich, entries: [] },
  });
  if (base + listBytes <= maxBytes) return { ...serialised(facts), cut: false };
  const allowance = computeAllowance(totals, maxBytes - base - TRUNCATED_RESERVE);
  lists.forEach((l, i) => {
    if (totals[i]! <= allowance) return;
    const n = countFitting(l.sizes, allowance);
    noteCut(facts, l.name, l.sizes.length);
    l.keep(n);
  });
  return { ...serialised(facts), cut: true };
}

function serialised(facts: PeFacts): { bytes: number; json: string } {
  const json = JSON.stringify(facts);
  return { bytes: Buffer.byteLength(json, 'utf8'), json };
}
