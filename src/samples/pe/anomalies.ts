/** Anomaly codes derived from the parsed facts (each documented on PeFacts.anomalies). */
import type { PeFacts } from './types.js';
import { findSectionByRva, type PeImage } from './pe-image.js';

/** 1992-01-01T00:00:00Z: no PE linker predates it. */
const EPOCH_1992 = 694224000;
/** Delphi 4–2006 always wrote this TimeDateStamp (1992-06-19T22:22:17Z). */
const DELPHI_TIMESTAMP = 0x2a425e19;
const SCN_MEM_EXECUTE = 0x20000000;
const SCN_MEM_WRITE = 0x80000000;
const FILE_DLL = 0x2000;

/** Adds the timestamp, entry point, section, checksum, Rich and overlay anomalies to img.anomalies. */
export function collectAnomalies(img: PeImage, facts: PeFacts, now: Date): void {
  const a = img.anomalies;
  const ts = facts.timestampRaw;
  if (facts.reproducible) a.add('timestamp-reproducible');
  if (ts === 0) a.add('timestamp-zero');
  else if (ts === DELPHI_TIMESTAMP) a.add('timestamp-delphi');
  else if (!facts.reproducible) {
    // A reproducible build's value is a hash: being "in the future" or "before 1992" means nothing.
    if (ts * 1000 > now.getTime()) a.add('timestamp-future');
    else if (ts < EPOCH_1992) a.add('timestamp-before-1992');
  }
  if (facts.sections.length === 0 && !a.has('truncated-headers')) a.add('no-sections');
  if (facts.entryPoint !== 0 && facts.sections.length > 0 && findSectionByRva(img, facts.entryPoint) === null) {
    a.add('entrypoint-outside-sections');
  }
  if (facts.entryPoint === 0 && (facts.characteristics & FILE_DLL) === 0 && facts.magic !== null) a.add('entrypoint-zero');
  for (const s of facts.sections) {
    if ((s.characteristics & SCN_MEM_EXECUTE) !== 0 && ((s.characteristics & SCN_MEM_WRITE) >>> 0) !== 0) {
      a.add('section-writable-executable');
    }
    if (!/^[\x20-\x7e]*$/.test(s.name)) a.add('section-name-nonascii');
  }
  if (facts.checksum !== 0 && !facts.checksumValid) a.add('checksum-mismatch');
  if (facts.rich !== null && !facts.rich.checksumValid) a.add('rich-checksum-mismatch');
  const ov = facts.overlay;
  const cert = facts.authenticode;
  // A signed file's certificate table sits past the sections: only data beyond it is an overlay worth flagging.
  if (ov !== null && !(cert.present && cert.offset <= ov.offset && cert.offset + cert.size >= ov.offset + ov.size)) a.add('overlay');
}
