/**
 * The CSV files written beside index.html: RFC 4180, with the same
 * formula-safe rule as `sightings --csv` (docs/design.md, Output).
 */
import type { Sighting } from '../core/model.js';
import type { SampleRecord } from '../store/store.js';
import type { Victim } from '../analytics/types.js';
import { csvField, SIGHTING_CSV_COLUMNS, sightingCsvRow } from '../core/csv.js';
import { ChunkedWriter } from './chunked-writer.js';
import { peFactsOf } from './samples.js';

export { csvField };

function csvLine(cells: (string | number | null | undefined)[]): string {
  return cells.map(csvField).join(',') + '\r\n';
}

/** The columns of `sightings --csv` (core/csv.ts), so both files read alike. */
export const SIGHTING_COLUMNS = SIGHTING_CSV_COLUMNS;

export function sightingCsvLine(s: Sighting): string {
  return sightingCsvRow(s) + '\r\n';
}

export const VICTIM_COLUMNS = ['src', 'host_ids', 'country', 'country_name', 'asn', 'organisation', 'sector', 'enriched_by',
  'first_seen', 'last_seen', 'sightings', 'indicators'];

export function victimCsvLine(v: Victim): string {
  return csvLine([v.src, v.hostIds.join(';'), v.country, v.countryName, v.asn, v.organisation, v.sector, v.enrichedBy,
    v.firstSeen, v.lastSeen, v.sightings, v.indicators.join(';')]);
}

export const SAMPLE_COLUMNS = ['sha256', 'md5', 'sha1', 'size', 'type', 'paths', 'campaigns', 'yara', 'compile_time', 'imphash', 'pdb'];

export function sampleCsvLine(s: SampleRecord): string {
  const pe = peFactsOf(s);
  return csvLine([s.sha256, s.md5, s.sha1, s.size, s.type, s.paths.join(';'), s.campaigns.join(';'), s.yara.join(';'),
    pe.timestamp, pe.imphash, pe.pdb]);
}

/** A CSV file written in large chunks: the header first, then the lines. */
export class CsvWriter extends ChunkedWriter {
  constructor(path: string, columns: readonly string[]) {
    super(path);
    this.push(csvLine([...columns]));
  }
}
