/**
 * The CSV files written beside index.html: RFC 4180, with the same
 * formula-safe rule as `sightings --csv` (docs/design.md, Output).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Sighting } from '../core/model.js';
import type { SampleRecord } from '../store/store.js';
import type { Victim } from '../analytics/types.js';
import { peFactsOf } from './samples.js';

/** Bytes gathered before a write to the file. */
const CHUNK_BYTES = 1 << 20;

/** RFC 4180 quoting; a cell starting with =, +, -, @, tab or CR is prefixed with ' so spreadsheets do not run it as a formula. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(cells: (string | number | null | undefined)[]): string {
  return cells.map(csvField).join(',') + '\r\n';
}

/** The columns of `sightings --csv`, so both files read alike. */
export const SIGHTING_COLUMNS = ['ts', 'campaigns', 'indicator_type', 'indicator', 'matched', 'field', 'src', 'dst', 'path', 'format', 'line', 'packet', 'inside'];

export function sightingCsvLine(s: Sighting): string {
  return csvLine([s.ts, s.indicator.campaigns.join(';'), s.indicator.type, s.indicator.value, s.matched, s.field, s.src, s.dst,
    s.evidence.path, s.evidence.format, s.evidence.line, s.evidence.packet, s.evidence.inside]);
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

/** Writes CSV lines to a file in large chunks, waiting for the disk when it falls behind. */
export class CsvWriter {
  private readonly out: WriteStream;
  private pending: string[] = [];
  private pendingBytes = 0;
  private failure: Error | null = null;

  constructor(path: string, columns: string[]) {
    this.out = createWriteStream(path);
    this.out.on('error', (e) => { this.failure = e; });
    this.pending.push(csvLine(columns));
  }

  async add(line: string): Promise<void> {
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= CHUNK_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await finished(this.out);
  }
}
