/**
 * Refangs a line of prose and remembers, for every character of the result,
 * the span of the original it came from, so a value found in the refanged
 * text can be shown to the analyst as it was written (`hxxp://evil[.]com`).
 *
 * core/normalize.ts's refang() reads one value; a report needs the forms
 * analysts write inside sentences too: spaces around a bracketed dot
 * (`evil [.] com`), `h**p`, `hxtp`, a dot between spaces when a top-level
 * domain follows (`evil . com`). Every pattern is anchored at one position
 * (sticky) and bounded, so the pass is linear in the line. A bracketed
 * separator is undone only between two value characters (`evil [.] com`,
 * not "meet (at) noon" at a sentence's edge).
 */

/** The refanged line, and for each of its characters the original span [from, to). */
export interface RefangedLine {
  text: string;
  from: number[];
  to: number[];
  /** True when some defanged form was undone in this line. */
  defanged: boolean;
}

/** Defanged separators inside a value, with optional spaces around the brackets: `[.]`, `( dot )`, `{@}`, `[at]`, `[:]`, `[://]`, `[/]`. */
const BRACKETED = /[ \t]{0,3}[[({][ \t]{0,2}(\.|dot|@|at|:\/\/|:|\/)[ \t]{0,2}[\])}][ \t]{0,3}/iy;
/** A defanged URL scheme at a word start, followed by `:` or a bracketed colon (`hxxp:`, `h**ps[:]`, `fxp:`). */
const SCHEME = /(hxxps?|hxtps?|htxps?|h\*\*ps?|h__ps?|h\[tt\]ps?|meows?|fxp|fxxp)(?=:|\[:|\(:)/iy;
/** A dot written between spaces, as some reports do (`evil . com`); taken only before a top-level domain (checked by the caller). */
const SPACED_DOT = / \. (?=[a-z]{2,24}\b)/y;
/** A backslash-escaped dot (`evil\.com`), as iocextract accepts. */
const ESCAPED_DOT = /\\\./y;

/**
 * Refangs `s`. `isTld` tells whether a lower-case label is a top-level
 * domain; it decides whether ` . ` joins two labels.
 */
export function refangText(s: string, isTld: (label: string) => boolean): RefangedLine {
  const out: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  let defanged = false;
  const emit = (text: string, a: number, b: number) => {
    for (const ch of text) { out.push(ch); from.push(a); to.push(b); }
  };
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    // Cheap first-character filter: only these can start a defanged form.
    if (c === 0x20 || c === 0x09 || c === 0x5b || c === 0x28 || c === 0x7b) {
      BRACKETED.lastIndex = i;
      const m = BRACKETED.exec(s);
      // `[.]` needs a value character on each side; `(at)` in "meet (at) noon" has spaces on both, which stays prose.
      if (m !== null && joins(s, i, i + m[0].length)) {
        const sep = m[1]!.toLowerCase();
        emit(sep === 'dot' ? '.' : sep === 'at' ? '@' : sep, i, i + m[0].length);
        i += m[0].length;
        defanged = true;
        continue;
      }
      if (c === 0x20) {
        SPACED_DOT.lastIndex = i;
        const d = SPACED_DOT.exec(s);
        if (d !== null && i > 0 && /[a-z0-9]/.test(s[i - 1]!) && isTld(labelAt(s, i + 3))) {
          emit('.', i, i + 3);
          i += 3;
          defanged = true;
          continue;
        }
      }
    } else if ((c | 0x20) === 0x68 || (c | 0x20) === 0x66 || (c | 0x20) === 0x6d) { // h, f, m
      if (i === 0 || !/[A-Za-z0-9]/.test(s[i - 1]!)) {
        SCHEME.lastIndex = i;
        const m = SCHEME.exec(s);
        if (m !== null) {
          const w = m[1]!.toLowerCase();
          emit(w.startsWith('f') ? 'ftp' : w.endsWith('s') ? 'https' : 'http', i, i + m[0].length);
          i += m[0].length;
          defanged = true;
          continue;
        }
      }
    } else if (c === 0x5c) {
      ESCAPED_DOT.lastIndex = i;
      if (ESCAPED_DOT.test(s) && i > 0 && /[A-Za-z0-9]/.test(s[i - 1]!) && i + 2 < n && /[A-Za-z0-9]/.test(s[i + 2]!)) {
        emit('.', i, i + 2);
        i += 2;
        defanged = true;
        continue;
      }
    }
    out.push(s[i]!);
    from.push(i);
    to.push(i + 1);
    i++;
  }
  return { text: out.join(''), from, to, defanged };
}

/** Whether a bracketed separator at [a, b) sits between two parts of one value: a value character on each side. */
function joins(s: string, a: number, b: number): boolean {
  const before = a > 0 ? s[a - 1]! : ' ';
  const after = b < s.length ? s[b]! : ' ';
  return /[A-Za-z0-9_-]/.test(before) && /[A-Za-z0-9_/-]/.test(after);
}

/** The run of letters starting at `i`. */
function labelAt(s: string, i: number): string {
  let j = i;
  while (j < s.length && /[a-z]/.test(s[j]!)) j++;
  return s.slice(i, j);
}
