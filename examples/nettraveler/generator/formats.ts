/** Small writers shared by the evidence files: times in each format's style, Zeek headers, CSV. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `07/Jan/2013:03:14:15 +0000`, the access log's time (UTC). */
export function accessLogTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** Zeek's `ts`: epoch seconds with six decimals. */
export function zeekTime(ms: number): string {
  return (ms / 1000).toFixed(6);
}

/** Zeek's `#open`/`#close` stamp. */
function zeekStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}`;
}

/** Suricata's `timestamp`: `2013-05-13T08:15:02.123456+0000`. */
export function eveTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+0000');
}

/** A Zeek TSV log: header, rows, footer, as Zeek writes them. */
export function zeekLog(path: string, fields: ReadonlyArray<[string, string]>, rows: string[][], open: number, close: number): string {
  const head = [
    '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', `#path\t${path}`, `#open\t${zeekStamp(open)}`,
    `#fields\t${fields.map(([f]) => f).join('\t')}`, `#types\t${fields.map(([, t]) => t).join('\t')}`,
  ];
  for (const row of rows) if (row.length !== fields.length) throw new Error(`${path}: a row of ${row.length} fields, not ${fields.length}`);
  return [...head, ...rows.map((r) => r.join('\t')), `#close\t${zeekStamp(close)}`, ''].join('\n');
}

/** One CSV line; the generator's values never hold a comma, quote or line break (checked). */
export function csvLine(values: readonly string[]): string {
  for (const v of values) if (/[",\r\n]/.test(v)) throw new Error(`a CSV value that would need quoting: ${v}`);
  return values.join(',');
}

/** Sorts records by time, keeping the order of records with the same time (Array.prototype.sort is stable). */
export function byTime<T extends { ts: number }>(records: T[]): T[] {
  return records.sort((a, b) => a.ts - b.ts);
}
