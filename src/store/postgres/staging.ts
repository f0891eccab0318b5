/**
 * The columns an evidence file's rows carry from a hunt to a PostgreSQL case,
 * in one place: the staging tables, the staging inserts (one multi-row
 * `unnest` per batch) and the commit's insert into `sighting` and `sample`
 * are all built from these lists. A column added to sightings by a migration
 * is one line here.
 */
import { sightingDetail } from '../sighting-detail.js';
import type { SampleInput, SightingInput } from '../store.js';

export interface StagedColumn<T> {
  /** The column's name, the same in the staging table and the case's table. */
  name: string;
  /** Its PostgreSQL type in the staging table (the array of it is what a batch is sent as). */
  type: 'bigint' | 'text';
  /** Its value in one row. */
  of(row: T): string | number | null;
}

/** A sighting's own columns (beside its evidence, format and order, which the writer knows). */
export const SIGHTING_COLUMNS: readonly StagedColumn<SightingInput>[] = [
  { name: 'indicator_id', type: 'bigint', of: (s) => s.indicatorId },
  { name: 'matched', type: 'text', of: (s) => s.matched },
  { name: 'field', type: 'text', of: (s) => s.field },
  { name: 'ts', type: 'bigint', of: (s) => s.ts },
  { name: 'src', type: 'text', of: (s) => s.src },
  { name: 'dst', type: 'text', of: (s) => s.dst },
  { name: 'line', type: 'bigint', of: (s) => s.line ?? null },
  { name: 'packet', type: 'bigint', of: (s) => s.packet ?? null },
  { name: 'inside', type: 'text', of: (s) => s.inside ?? null },
  { name: 'sample_sha256', type: 'text', of: (s) => s.sample ?? null },
  { name: 'detail', type: 'text', of: (s) => sightingDetail(s) },
  { name: 'host_id', type: 'text', of: (s) => s.hostId ?? null },
];

/** A scanned file's columns as staged (its path goes to sample_path, the rest to sample). */
export const SAMPLE_COLUMNS: readonly StagedColumn<SampleInput>[] = [
  { name: 'sha256', type: 'text', of: (r) => r.sha256 },
  { name: 'md5', type: 'text', of: (r) => r.md5 },
  { name: 'sha1', type: 'text', of: (r) => r.sha1 },
  { name: 'size', type: 'bigint', of: (r) => r.size },
  { name: 'type', type: 'text', of: (r) => r.type },
  { name: 'facts', type: 'text', of: (r) => r.factsJson },
  { name: 'path', type: 'text', of: (r) => r.path },
];

/** `name type, …` for a CREATE TABLE. */
export function columnsDdl<T>(cols: readonly StagedColumn<T>[]): string {
  return cols.map((c) => `${c.name} ${c.type.toUpperCase()}`).join(', ');
}

/** `prefix.name, …`. */
export function columnList<T>(cols: readonly StagedColumn<T>[], prefix = ''): string {
  return cols.map((c) => `${prefix}${c.name}`).join(', ');
}

/**
 * An INSERT of a batch into a staging table as one statement: $1 the slot,
 * $2 the sequence number before the batch's first row, then one array per
 * column (`extra` scalars, e.g. family and format, go after the slot as $3…).
 */
export function stagingInsert<T>(table: string, cols: readonly StagedColumn<T>[], extra: readonly string[] = []): string {
  const first = 3 + extra.length;
  const arrays = cols.map((c, i) => `$${first + i}::${c.type}[]`).join(', ');
  const extras = extra.map((_, i) => `$${3 + i}`);
  return `INSERT INTO ${table}(slot, seq${extra.map((e) => `, ${e}`).join('')}, ${columnList(cols)})
    SELECT $1::int, $2::bigint + u.n${extras.map((e) => `, ${e}`).join('')}, ${columnList(cols, 'u.')}
    FROM unnest(${arrays}) WITH ORDINALITY AS u(${columnList(cols)}, n)`;
}

/** The per-column arrays of a batch, in the order of `cols`. */
export function columnArrays<T>(cols: readonly StagedColumn<T>[], rows: readonly T[]): (string | number | null)[][] {
  return cols.map((c) => rows.map((r) => c.of(r)));
}
