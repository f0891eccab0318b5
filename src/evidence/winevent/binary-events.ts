/**
 * The seam between the hunt and a reader of binary Windows event logs
 * (EVTX, `src/evidence/evtx/`): the hunt feeds a file's bytes to a reader
 * made by an `EvtxReaderFactory` and maps the WinEvents it yields through
 * observe.ts, like every other Windows event source. `EVTX_READER` is the
 * factory this build uses (evidence/evtx-reader.ts), or null when it has
 * none: then an EVTX file is scanned as a file.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import type { WinEvent } from './event.js';

/** Evidence format (and hunt family) of binary EVTX files. */
export const EVTX_FORMAT = 'evtx';

/** What reading one EVTX file counted. */
export interface EvtxReadStats {
  /** Records read and handed on as events. */
  records: number;
  /** Records (or chunks' worth of records) skipped as damaged, each reported as a diagnostic. */
  skipped: number;
}

/** A streaming reader of one EVTX file: bytes in, in order; events and diagnostics out through the callbacks it was made with. */
export interface EvtxStreamReader {
  push(buf: Buffer): void;
  /** The input has ended: reads what is left and says what it counted. */
  end(): EvtxReadStats;
}

/** Makes EVTX readers, and tells an EVTX file by its head. */
export interface EvtxReaderFactory {
  /** True when `head` (a file's first bytes: up to 64 KiB, but only 4 KiB when they start with a binary magic, as EVTX's does) is an EVTX file. */
  detect(head: Uint8Array): boolean;
  create(path: string, onEvent: (ev: WinEvent) => void, onDiagnostic: (d: Diagnostic) => void): EvtxStreamReader;
}
