/** One CSV cell, as every CSV Sightline writes has it (docs/design.md, Output), and a sighting's CSV row. */
import type { Sighting } from './model.js';

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * RFC 4180 quoting; a cell starting with =, +, -, @, tab or CR is prefixed
 * with ' so spreadsheets do not run it as a formula (a negative number too).
 * Character codes, not a regular expression, for the first character: a
 * report writes a million rows of cells.
 */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return v < 0 ? `'${v}` : String(v);
  let s = v;
  const c = s.charCodeAt(0);
  // = + - @ tab CR
  if (c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The columns of a sighting's CSV row: `sightings --csv` and the report's sightings.csv alike. */
export const SIGHTING_CSV_COLUMNS: readonly string[] = ['ts', 'campaigns', 'indicator_type', 'indicator', 'matched', 'field', 'src', 'dst', 'path', 'format',
  'line', 'packet', 'inside', 'record', 'process_image', 'process_pid'];

/** A sighting as a CSV row (SIGHTING_CSV_COLUMNS), without its line end. */
export function sightingCsvRow(s: Sighting): string {
  return [s.ts, s.indicator.campaigns.join(';'), s.indicator.type, s.indicator.value, s.matched, s.field, s.src, s.dst,
    s.evidence.path, s.evidence.format, s.evidence.line, s.evidence.packet, s.evidence.inside,
    s.evidence.record, s.process?.image, s.process?.pid].map(csvField).join(',');
}
