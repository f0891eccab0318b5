/**
 * ISO 3166-1 alpha-2 country codes and their English names, from the ICU
 * data Node carries (`Intl.DisplayNames`), so no country table is shipped.
 *
 * CLDR names more two-letter regions than ISO 3166-1 assigns: deprecated
 * codes that it maps to their successors (`UK` → `GB`, `SU` → `RU`), the
 * exceptionally reserved codes (`AC`, `CP`, `DG`, `EA`, `IC`, `TA`, and
 * CLDR's `CQ`), groupings (`EU`, `EZ`, `UN`, `QO`), the unknown region `ZZ`
 * and pseudo-locales (`XA`, `XB`). None of those is a country: what is left
 * is the 249 assigned codes plus `XK` (Kosovo, user-assigned, which DB-IP,
 * MaxMind and the EU use).
 */

/** CLDR regions that are not ISO 3166-1 countries (see the file comment). */
const NOT_COUNTRIES: ReadonlySet<string> = new Set([
  'AC', 'CP', 'CQ', 'DG', 'EA', 'IC', 'TA', 'EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB',
]);

const CODE_RE = /^[A-Z]{2}$/;

let displayNames: Intl.DisplayNames | null = null;
/** Code → name for known countries, null for codes checked and refused. */
const names = new Map<string, string | null>();

/** The English name of an upper-case ISO 3166-1 alpha-2 code, or null when it is no country's code. */
export function countryName(code: string): string | null {
  const hit = names.get(code);
  if (hit !== undefined) return hit;
  if (!CODE_RE.test(code)) return null;
  displayNames ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  const name = displayNames.of(code);
  const known = name !== undefined && name !== code && !NOT_COUNTRIES.has(code) && canonicalRegion(code) === code;
  const value = known ? name : null;
  names.set(code, value);
  return value;
}

/** Whether `code` (upper-case) is a country code (see countryName). */
export function isCountryCode(code: string): boolean {
  return countryName(code) !== null;
}

/**
 * The code CLDR uses in place of a deprecated one (`UK` → `GB`), or the code
 * itself. Used to say what a refused code should have been.
 */
export function canonicalRegion(code: string): string {
  if (!CODE_RE.test(code)) return code;
  const [locale] = Intl.getCanonicalLocales(`und-${code}`);
  return locale !== undefined && locale.startsWith('und-') ? locale.slice(4) : code;
}
