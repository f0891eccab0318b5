/**
 * Scans a file that is neither a log nor a capture as a sample: hashes,
 * type, PE facts, YARA matches, hash and file-name indicators; archives
 * (zip, gzip, tar) are opened in memory and each member scanned the same
 * way. Nothing is executed or written: the bytes are only read.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { yaraMatchKeys } from '../core/yara-x.js';
import type { IndicatorIndex } from '../matching/index.js';
import {
  analyzeFile, expandArchive, fileObservations, readRegularFileSync, DEFAULT_ARCHIVE_LIMITS, FactsBudget, type ArchiveLimits, type YaraScanner,
} from '../samples/index.js';
import type { SampleInput } from '../store/store.js';
import { LineHunter } from './log-range.js';
import { RecordMatcher, type RawSighting } from './match.js';

/** File types whose members are scanned too. */
const ARCHIVE_TYPES = new Set(['zip', 'gzip', 'tar']);

export interface FileScanContext {
  index: IndicatorIndex;
  yara: YaraScanner | null;
  /** `yara` indicator ids by rule name. */
  yaraIds: ReadonlyMap<string, number>;
  limits?: ArchiveLimits;
  report(d: Diagnostic): void;
  record(s: RawSighting): void;
  addSample(s: SampleInput): void;
}

export interface FileScanResult {
  /** The scanned file's own sha256 (the evidence's). */
  sha256: string;
  /** Samples recorded: the file and its members. */
  samples: number;
}

/** Scans one file's bytes (and its archive members). */
export function scanFile(path: string, data: Buffer, ctx: FileScanContext): FileScanResult {
  // A file's observations (hashes, names) carry no URL, so no host identifier: sightings go on at once.
  let sample = '';
  const matcher = new RecordMatcher(ctx.index, [], (s) => ctx.record({ ...s, sample }));
  const limits = ctx.limits ?? DEFAULT_ARCHIVE_LIMITS;
  // The facts a file and all its members add together are bounded: a tiny zip must not grow the case by gigabytes.
  const budget = new FactsBudget(limits.maxFactsBytes, path, ctx.report);
  const one = (bytes: Buffer, inside: string | undefined): { sha256: string; type: string } => {
    const facts = analyzeFile(bytes, { budget, ...(inside !== undefined ? { inside } : {}) });
    ctx.addSample({
      sha256: facts.sha256, md5: facts.md5, sha1: facts.sha1, size: facts.size, type: facts.type,
      path: inside === undefined ? path : `${path}!${inside}`, factsJson: facts.factsJson,
    });
    sample = facts.sha256;
    for (const o of fileObservations(path, inside, facts)) matcher.observe(o);
    matcher.end();
    if (ctx.yara) {
      for (const m of ctx.yara.scan(bytes, inside === undefined ? path : `${path}!${inside}`)) {
        const [qualified, bare] = yaraMatchKeys(m.namespace, m.rule);
        const id = ctx.yaraIds.get(qualified) ?? ctx.yaraIds.get(bare);
        if (id === undefined) continue;
        const s: RawSighting = {
          indicatorId: id, matched: m.rule, field: 'yara', ts: null, src: null, dst: null, sample: facts.sha256,
          yara: { namespace: m.namespace, tags: m.tags, meta: m.meta, strings: m.strings },
        };
        if (inside !== undefined) s.inside = inside;
        ctx.record(s);
      }
    }
    return { sha256: facts.sha256, type: facts.type };
  };
  const top = one(data, undefined);
  let samples = 1;
  if (ARCHIVE_TYPES.has(top.type)) {
    for (const member of expandArchive(data, path, limits, ctx.report)) {
      one(member.data, member.inside);
      samples++;
    }
  }
  return { sha256: top.sha256, samples };
}

/**
 * A text pass read from the bytes a scan has already read (a text file in no
 * known format is read as text, then scanned as a file: one read serves both).
 */
export interface TextPassTask {
  /** The family: TEXT_FORMAT (its records are lines, its format never changes mid-file). */
  family: string;
  /** When the file was last written. */
  referenceMs: number;
  hostIdParams: readonly string[];
}

/** What a text pass over a file's bytes found (lines numbered from 1). */
export interface TextPassResult {
  format: string;
  lines: number;
  records: number;
  skipped: number;
  sightings: RawSighting[];
  diagnostics: Diagnostic[];
}

/** What scanning one file found, collected (it crosses threads as plain data). */
export interface ScanResult {
  /** Null when the file could not be read (the diagnostics say why). */
  sha256: string | null;
  samples: SampleInput[];
  sightings: RawSighting[];
  diagnostics: Diagnostic[];
  /** The text pass asked for with the scan (ScanTask.text), read from the same bytes; absent when the file could not be read. */
  text?: TextPassResult;
}

/** Reads one file (read-only, size-capped) and scans it, collecting what it finds; with `text`, reads its bytes as a text log first. */
export async function scanFileAt(
  path: string, maxFileSize: number, ctx: Pick<FileScanContext, 'index' | 'yara' | 'yaraIds' | 'limits'>, text?: TextPassTask,
): Promise<ScanResult> {
  const result: ScanResult = { sha256: null, samples: [], sightings: [], diagnostics: [] };
  const report = (d: Diagnostic) => { result.diagnostics.push(d); };
  // Blocking reads: a worker reads one file at a time, and round trips through libuv's pool cost more than small files do.
  const file = readRegularFileSync(path, { maxFileSize, onDiagnostic: report });
  if (!file) return result;
  if (text) result.text = readTextPass(path, file.data, text, ctx.index);
  result.sha256 = scanFile(path, file.data, {
    ...ctx, report,
    record: (s) => { result.sightings.push(s); },
    addSample: (s) => { result.samples.push(s); },
  }).sha256;
  return result;
}

/** A file's whole bytes read as a text log, as a stream of them would be (sources.ts's streamSource). */
function readTextPass(path: string, data: Buffer, task: TextPassTask, index: IndicatorIndex): TextPassResult {
  const h = new LineHunter({ family: task.family, displayPath: path, referenceMs: task.referenceMs, index, hostIdParams: task.hostIdParams });
  h.splitter.push(data);
  h.finish();
  const r = h.reader;
  return { format: r.format, lines: h.splitter.lines, records: r.records, skipped: r.skipped, sightings: h.sightings, diagnostics: h.diagnostics };
}
