/**
 * The binary EVTX reader this build hunts with (winevent/binary-events.ts):
 * null while `src/evidence/evtx/` is not part of it, and an EVTX file is then
 * scanned as a file. Plugging the reader in is this one assignment.
 */
import type { EvtxReaderFactory } from './winevent/binary-events.js';

export const EVTX_READER: EvtxReaderFactory | null = null;
