/**
 * The `detail` column of a sighting (JSON text, migration 0003), written and
 * read here only, so every store implementation keeps it the same way:
 *
 * - a YARA sighting (`field` `yara`): the rule's match, a `YaraHit`;
 * - any other sighting: `{"record"?: n, "process"?: {"image","pid","guid"}}`
 *   (Windows event logs: the EventRecordID and the process the event named),
 *   or no detail at all (NULL) when it has neither.
 */
import type { ProcessRef, Sighting, YaraHit } from '../core/model.js';
import type { SightingInput } from './store.js';

/** The detail to store for one sighting, or null. */
export function sightingDetail(s: SightingInput): string | null {
  if (s.yara) return JSON.stringify(s.yara);
  if (s.record === undefined && s.process === undefined) return null;
  const d: { record?: number; process?: ProcessRef } = {};
  if (s.record !== undefined) d.record = s.record;
  if (s.process !== undefined) d.process = { image: s.process.image, pid: s.process.pid, guid: s.process.guid };
  return JSON.stringify(d);
}

/**
 * Puts a stored detail on the public sighting (`yara`; `evidence.record`,
 * `process`). A detail that is not the JSON this file writes (a damaged
 * row) is ignored rather than thrown: the sighting itself is still right.
 */
export function applySightingDetail(sighting: Sighting, detail: string | null): void {
  if (detail === null) return;
  let d: unknown;
  try { d = JSON.parse(detail); } catch { return; }
  if (typeof d !== 'object' || d === null) return;
  if (sighting.field === 'yara') {
    sighting.yara = d as YaraHit;
    return;
  }
  const o = d as { record?: unknown; process?: unknown };
  if (typeof o.record === 'number' && Number.isSafeInteger(o.record)) sighting.evidence.record = o.record;
  const p = o.process;
  if (typeof p === 'object' && p !== null) {
    const q = p as Record<string, unknown>;
    sighting.process = {
      image: typeof q['image'] === 'string' ? q['image'] : null,
      pid: typeof q['pid'] === 'number' ? q['pid'] : null,
      guid: typeof q['guid'] === 'string' ? q['guid'] : null,
    };
  }
}
