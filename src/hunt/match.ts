/** Turns an observation and the index's answer into sightings as a hunt records them. */
import type { Observation, ObservedKind } from '../core/model.js';
import { normalizeDomain, normalizeEmail, normalizeFilename, normalizeIp, normalizeUrl } from '../core/normalize.js';
import type { IndicatorIndex } from '../matching/index.js';
import type { SightingInput } from '../store/store.js';

/** A sighting before the indicator's details are attached: what the store records (it crosses threads as plain data). */
export type RawSighting = SightingInput;

/** The observed value in the normal form it matched in (`WWW.Example.NET.` → `www.example.net`). */
export function matchedText(kind: ObservedKind, value: string): string {
  switch (kind) {
    case 'domain': return normalizeDomain(value) ?? value;
    case 'ip': return normalizeIp(value)?.value ?? value;
    case 'url': return normalizeUrl(value) ?? value;
    case 'hash': return value.toLowerCase();
    case 'filename': return normalizeFilename(value) ?? value;
    case 'email': return normalizeEmail(value) ?? value;
  }
}

/** Looks an observation up; calls `emit` once per indicator it matches. `ids` is scratch space. */
export function matchObservation(index: IndicatorIndex, o: Observation, ids: number[], emit: (s: RawSighting) => void): void {
  // Matches are rare: reset the scratch array only when the last look-up filled it.
  if (ids.length !== 0) ids.length = 0;
  if (index.match(o.kind, o.value, ids) === 0) return;
  const matched = matchedText(o.kind, o.value);
  for (const id of ids) {
    const s: RawSighting = { indicatorId: id, matched, field: o.field, ts: o.ts, src: o.src, dst: o.dst };
    if (o.line !== undefined) s.line = o.line;
    if (o.packet !== undefined) s.packet = o.packet;
    if (o.inside !== undefined) s.inside = o.inside;
    emit(s);
  }
}
