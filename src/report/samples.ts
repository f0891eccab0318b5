/**
 * The few PE facts the report shows, read defensively from a sample's `pe`
 * (typed `unknown` in SampleRecord: whatever the store kept).
 */
import type { SampleRecord } from '../store/store.js';

export interface ShownPeFacts {
  /** TimeDateStamp as ISO 8601 UTC, or null. */
  timestamp: string | null;
  imphash: string | null;
  pdb: string | null;
  /** The timestamp anomalies (`timestamp-zero`, …) that make the compile time unusable. */
  timeAnomalies: string[];
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

export function peFactsOf(s: SampleRecord): ShownPeFacts {
  const pe = (typeof s.pe === 'object' && s.pe !== null ? s.pe : {}) as Record<string, unknown>;
  const anomalies = Array.isArray(pe['anomalies']) ? pe['anomalies'].filter((a): a is string => typeof a === 'string') : [];
  return {
    timestamp: str(pe['timestamp']),
    imphash: str(pe['imphash']),
    pdb: str(pe['pdb']),
    timeAnomalies: anomalies.filter((a) => a.startsWith('timestamp-')),
  };
}

/** The year a sample was compiled, as its key in the samples table (`unknown` without a timestamp). */
export function compileYear(s: SampleRecord): string {
  const t = peFactsOf(s).timestamp;
  return t !== null && /^\d{4}-/.test(t) ? t.slice(0, 4) : 'unknown';
}
