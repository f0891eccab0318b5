/**
 * A CSV layout a list reader knows by its header: the IOC list's own
 * (value, type, comment columns) and each feed's (src/intel/feeds/).
 */
import type { IntelSink } from '../intel-sink.js';

/** Reads the rows under one header. */
export interface CsvRows {
  /** One data record's fields; `line` is its first physical line. */
  row(fields: readonly string[], line: number): void;
  /** After the last row: report what was counted rather than said per row. */
  end?(): void;
}

/** A header layout and the reader of its rows. */
export interface CsvProfile {
  /** Whether a header record (its fields, trimmed and lower-cased) is this layout's. */
  knows(header: readonly string[]): boolean;
  /** The reader of the rows under a header this profile knows. */
  open(header: readonly string[], path: string, sink: IntelSink): CsvRows;
}

/** A header record's names, trimmed and lower-cased (a BOM on the first is dropped). */
export function headerNames(fields: readonly string[]): string[] {
  return fields.map((f) => f.replace(/^\ufeff/, '').trim().toLowerCase());
}
