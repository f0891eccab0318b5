/**
 * The binary EVTX reader the hunt uses (winevent/binary-events.ts): the
 * reader of `src/evidence/evtx/`, behind the seam's factory. `HuntOptions`
 * may put another in its place (the hunt's tests use a stub).
 */
import { EvtxReader, detectEvtx } from './evtx/evtx-reader.js';
import type { EvtxReaderFactory } from './winevent/binary-events.js';

export const EVTX_READER: EvtxReaderFactory | null = {
  detect: (head) => detectEvtx(Buffer.from(head.buffer, head.byteOffset, head.byteLength)),
  create: (path, onEvent, onDiagnostic) => new EvtxReader(path, onEvent, onDiagnostic),
};
