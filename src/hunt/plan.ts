/**
 * Planning a hunt: what to do with each file before any is read in full.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { diag, type Diagnostic } from '../core/diagnostic.js';
import { detectCaptureFormat, detectLogFormat } from '../evidence/index.js';
import type { FoundFile } from '../samples/index.js';
import type { Store } from '../store/store.js';
import { isGzipFile, readFileHead } from './file-head.js';
import type { Progress } from './progress.js';

/** Bytes read to detect a file's format. */
const DETECT_HEAD_BYTES = 64 * 1024;

/** The format of files scanned as samples (anything that is no log or capture). */
export const FILES_FORMAT = 'files';

export interface PlanOptions {
  /** A forced format family, or 'auto'. */
  format?: string | undefined;
  maxFileSize: number;
  report(d: Diagnostic): void;
  progress: Progress;
  onAlreadyHunted(): void;
  onNotice?: ((message: string) => void) | undefined;
}

export interface PlannedFile {
  f: FoundFile;
  gz: boolean;
  /** A format family of HUNT_FORMATS. */
  family: string;
}

/**
 * Decides what to do with each file before any is read in full: skips those
 * the case has already hunted, detects formats, and leaves out files to scan
 * that are over the size limit (each reported).
 */
export async function planFiles(
  store: Store, files: readonly FoundFile[], opts: PlanOptions, onPlanned: (p: PlannedFile) => Promise<void>,
): Promise<PlannedFile[]> {
  const { maxFileSize, report, progress } = opts;
  const forced = opts.format && opts.format !== 'auto' ? opts.format : undefined;
  const plan: PlannedFile[] = [];
  for (const f of files) {
    const prior = await store.evidenceByFile(f.path, f.size, f.mtimeMs);
    if (prior) {
      opts.onAlreadyHunted();
      opts.onNotice?.(`${f.path}: already hunted on ${prior.huntedAt} (sha256 ${prior.sha256.slice(0, 12)}…); nothing added`);
      progress.advance(f.size);
      continue;
    }
    let gz: boolean;
    let family: string | null;
    try {
      gz = await isGzipFile(f.path);
      const head = await readHead(f.path, gz);
      family = forced ?? detectLogFormat(head, f.path) ?? detectCaptureFormat(head);
    } catch (e) {
      report(diag('unreadable', f.path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`));
      progress.advance(f.size);
      continue;
    }
    // Anything that is no log and no capture is scanned as a file.
    family ??= FILES_FORMAT;
    if (family === FILES_FORMAT && f.size > maxFileSize) {
      report(diag('too-large', f.path, `${f.size} bytes, over the ${maxFileSize}-byte limit for scanned files (--max-file-size); not scanned`));
      progress.advance(f.size);
      continue;
    }
    const entry = { f, gz, family };
    plan.push(entry);
    await onPlanned(entry);
  }
  return plan;
}

/** The first bytes of a file, decompressed when it is gzip. */
async function readHead(path: string, gz: boolean): Promise<Buffer> {
  if (!gz) return readFileHead(path, DETECT_HEAD_BYTES);
  const chunks: Buffer[] = [];
  let n = 0;
  const stream = createReadStream(path).pipe(createGunzip());
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

