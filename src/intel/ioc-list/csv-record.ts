/**
 * RFC 4180 record splitting over a Buffer: quoted fields may hold commas,
 * doubled quotes and line breaks; blanks between a separator and a quoted
 * field are dropped (`"a", "b"`, as abuse.ch's dumps write them).
 */

/** Most fields kept per record. */
export const MAX_CSV_FIELDS = 256;
/** Longest record (bytes) followed across line breaks inside quotes. */
export const MAX_CSV_RECORD_BYTES = 1024 * 1024;

/** One record: its fields, where the next record starts, and how many line breaks it spans. */
export interface CsvRecord {
  fields: string[];
  next: number;
  newlines: number;
  /** A quote that never closed before the limit or the end of the data. */
  unterminated: boolean;
}

/** Splits the record starting at `start` (which must be < data.length). */
export function readCsvRecord(data: Buffer, start: number, separator = 0x2c): CsvRecord {
  const fields: string[] = [];
  let i = start;
  let newlines = 0;
  const end = data.length;
  const limit = Math.min(end, start + MAX_CSV_RECORD_BYTES);
  for (;;) {
    // Blanks before an opening quote are separator padding (abuse.ch writes `"a", "b"`), not part of the field.
    let q = i;
    while (q < end && (data[q] === 0x20 || data[q] === 0x09)) q++;
    if (q > i && data[q] === 0x22) i = q;
    if (data[i] === 0x22) {
      // Quoted field.
      let from = i + 1;
      let text = '';
      i = from;
      for (;;) {
        if (i >= limit) {
          pushField(fields, text + data.toString('utf8', from, i));
          return finish(data, i, fields, newlines, true);
        }
        const c = data[i];
        if (c === 0x22) {
          if (data[i + 1] === 0x22) { text += data.toString('utf8', from, i + 1); i += 2; from = i; continue; }
          text += data.toString('utf8', from, i);
          i++;
          break;
        }
        if (c === 0x0a) newlines++;
        i++;
      }
      // Anything between the closing quote and the separator is kept, as lenient readers do.
      const after = i;
      while (i < end && data[i] !== separator && data[i] !== 0x0a) i++;
      if (i > after) text += data.toString('utf8', after, data[i - 1] === 0x0d && data[i] === 0x0a ? i - 1 : i);
      pushField(fields, text);
    } else {
      const from = i;
      while (i < end && data[i] !== separator && data[i] !== 0x0a) i++;
      const stop = data[i] === 0x0a && i > from && data[i - 1] === 0x0d ? i - 1 : i;
      pushField(fields, data.toString('utf8', from, stop));
    }
    if (i < end && data[i] === separator) { i++; continue; }
    return finish(data, i, fields, newlines, false);
  }
}

function pushField(fields: string[], f: string): void {
  if (fields.length < MAX_CSV_FIELDS) fields.push(f);
}

function finish(data: Buffer, i: number, fields: string[], newlines: number, unterminated: boolean): CsvRecord {
  // Skip to past the end of the line.
  while (i < data.length && data[i] !== 0x0a) i++;
  return { fields, next: i < data.length ? i + 1 : data.length, newlines, unterminated };
}
