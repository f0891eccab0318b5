/**
 * Planning a hunt: what to do with each file before any is read in full —
 * which format families to read it as (its passes), and which of those the
 * case has already covered for the indicators this hunt selects.
 */
import { createReadStream } from 'node:fs';
import { diag, type Diagnostic } from '../core/diagnostic.js';
import {
  detectCaptureFormat, detectLogFormat, detectUnsupportedCapture, hasBinaryMagic, EVTX_FORMAT, TEXT_FORMAT, type EvtxReaderFactory,
} from '../evidence/index.js';
import type { FoundFile } from '../samples/index.js';
import type { HuntSelection, Store, StoredEvidence } from '../store/store.js';
import { gunzipBounded, readFileHeadSync } from './file-head.js';
import { SINKHOLE_FAMILY } from './sinkhole.js';

/** Bytes read to detect a file's format. */
const DETECT_HEAD_BYTES = 64 * 1024;
/**
 * Bytes read first: enough for the gzip check, every capture and EVTX magic
 * (the longest ends at byte 40) and every binary magic looksBinary knows
 * (text/binary-head.ts: none past byte 262). A file they show to be binary
 * (a PE, an archive) can be no log, so its full head is not read.
 */
const SNIFF_HEAD_BYTES = 4 * 1024;

/** The format of files scanned as samples (anything that is no log or capture, and text in no known format too). */
export { FILES_FORMAT } from './formats.js';
import { FILES_FORMAT } from './formats.js';
/** The only format a sinkhole hunt reads. */
const WEB_ACCESS_FORMAT = 'web-access';

export interface PlanOptions {
  /** A forced format family, or 'auto'. */
  format?: string | undefined;
  maxFileSize: number;
  selection: HuntSelection;
  report(d: Diagnostic): void;
  /** A file left out before reading (its bytes count as done). */
  onLeftOut(f: FoundFile): void;
  onAlreadyHunted(): void;
  onNotice?: ((message: string) => void) | undefined;
  /**
   * A sinkhole hunt: every file must be a web access log (detected, or
   * forced with format `web-access`) and is read as one pass of family
   * `sinkhole`; any other file is reported and left out.
   */
  sinkhole?: boolean;
  /** The binary EVTX reader, which tells EVTX files by their head; null: none (they are scanned as files). */
  evtxReader: EvtxReaderFactory | null;
}

export interface PlannedFile {
  f: FoundFile;
  gz: boolean;
  /** The format families to read it as, in order (a text file in no known format: text, then files). */
  passes: string[];
  /** For a retro-hunt: the content the case knows at this path; other content is not hunted. */
  expectSha256?: string;
}

/** Families a file detected as `family` is read as. */
function passesFor(family: string): string[] {
  return family === TEXT_FORMAT ? [TEXT_FORMAT, FILES_FORMAT] : [family];
}

/**
 * Detects formats, drops the passes the case has already covered for this
 * selection (evidence known by path, size and modification time), and
 * leaves out files to scan that are over the size limit (each reported).
 * `prior` gives, for a retro-hunt, the evidence and the families to read it as.
 */
export async function planFile(
  store: Store, f: FoundFile, opts: PlanOptions, prior?: { evidence: StoredEvidence; families: string[] },
): Promise<PlannedFile | null> {
  const forced = opts.format && opts.format !== 'auto' ? opts.format : undefined;
  let gz: boolean;
  let passes: string[];
  try {
    let raw = readFileHeadSync(f.path, SNIFF_HEAD_BYTES);
    gz = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
    // A plain file's full head, when detection reads it: not for a forced format or a retro-hunt's families, nor for
    // a binary magic (a capture, EVTX and the other binaries are told by their first bytes; detectLogFormat says null).
    const detects = opts.sinkhole ? forced === undefined : forced === undefined && !(prior && prior.families.length > 0) && !hasBinaryMagic(raw);
    if (!gz && detects && raw.length === SNIFF_HEAD_BYTES) raw = readFileHeadSync(f.path, DETECT_HEAD_BYTES);
    if (opts.sinkhole) {
      const head = forced !== undefined ? null : gz ? await readGunzippedHead(f.path) : raw;
      const detected = head === null ? WEB_ACCESS_FORMAT : detectCaptureFormat(head) ?? detectLogFormat(head, f.path);
      if (detected !== WEB_ACCESS_FORMAT) {
        opts.report(diag('unknown-format', f.path, `not a web access log (${detected === null ? 'no log format recognised' : `read as ${detected}`}); ` +
          'a sinkhole hunt reads web server access logs (common, combined, vhost_combined) only; not hunted'));
        opts.onLeftOut(f);
        return null;
      }
      passes = [SINKHOLE_FAMILY];
    } else if (forced !== undefined) passes = [forced];
    else if (prior && prior.families.length > 0) passes = [...prior.families];
    else {
      const head = gz ? await readGunzippedHead(f.path) : raw;
      const capture = detectCaptureFormat(head);
      // A capture in a format Sightline does not read (some are text: K12, EyeSDN) is said so, not read as text or a sample.
      const unsupported = capture === null ? detectUnsupportedCapture(head) : null;
      if (unsupported !== null) {
        opts.report(diag('unsupported', f.path, `a capture in the ${unsupported} format, which Sightline does not read; convert it with editcap -F pcapng`));
        opts.onLeftOut(f);
        return null;
      }
      const evtx = capture === null && opts.evtxReader?.detect(head) ? EVTX_FORMAT : null;
      passes = passesFor(capture ?? evtx ?? detectLogFormat(head, f.path) ?? FILES_FORMAT);
    }
  } catch (e) {
    opts.report(diag('unreadable', f.path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`));
    opts.onLeftOut(f);
    return null;
  }
  if (passes.includes(FILES_FORMAT) && f.size > opts.maxFileSize) {
    opts.report(diag('too-large', f.path, `${f.size} bytes, over the ${opts.maxFileSize}-byte limit for scanned files (--max-file-size); not scanned`));
    passes = passes.filter((p) => p !== FILES_FORMAT);
  }
  const { open, known } = await uncoveredPasses(store, f, passes, opts.selection, prior?.evidence);
  if (known && open.length === 0 && passes.length > 0) {
    opts.onAlreadyHunted();
    opts.onNotice?.(`${f.path}: already hunted on ${known.huntedAt} for every indicator selected (sha256 ${known.sha256.slice(0, 12)}…); nothing added`);
  }
  passes = open;
  if (passes.length === 0) {
    opts.onLeftOut(f);
    return null;
  }
  if (passes[0] === TEXT_FORMAT && forced === undefined && !prior) {
    opts.onNotice?.(`${f.path}: no log format recognised; read as text for domains, addresses, URLs, e-mail addresses and hashes` +
      `${passes.includes(FILES_FORMAT) ? ', and scanned as a file' : ''}`);
  }
  const entry: PlannedFile = { f, gz, passes };
  if (prior) entry.expectSha256 = prior.evidence.sha256;
  return entry;
}

/**
 * The passes of `f` the case has not yet covered for the selection: all of
 * them for evidence it does not know (by path, size and modification time,
 * or `known` for a retro-hunt). A queue worker asks again before it reads a
 * job's file, so a job retried after its first try committed adds nothing.
 */
export async function uncoveredPasses(
  store: Store, f: Pick<FoundFile, 'path' | 'size' | 'mtimeMs'>, passes: readonly string[], selection: HuntSelection, known?: StoredEvidence,
): Promise<{ open: string[]; known: StoredEvidence | null }> {
  const evidence = known ?? await store.evidenceByFile(f.path, f.size, f.mtimeMs);
  if (!evidence) return { open: [...passes], known: null };
  const open: string[] = [];
  for (const p of passes) if (!await store.isCovered(evidence.id, p, selection)) open.push(p);
  return { open, known: evidence };
}

/** The first bytes of a gzip file, decompressed. */
async function readGunzippedHead(path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  const stream = gunzipBounded(createReadStream(path));
  try {
    for await (const c of stream) {
      chunks.push(c as Buffer);
      n += (c as Buffer).length;
      if (n >= DETECT_HEAD_BYTES) break;
    }
  } catch {
    // a gzip stream that breaks early still gives what it had
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, DETECT_HEAD_BYTES);
}
