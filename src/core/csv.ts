/** One CSV cell, as every CSV Sightline writes has it (docs/design.md, Output). */

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
