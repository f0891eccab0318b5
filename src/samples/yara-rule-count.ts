/**
 * Counts the rules a YARA source declares. The binding does not list a
 * compiled rule set's rules, so the count comes from the text: `rule NAME` at
 * brace depth 0, outside comments, text strings and regular expressions.
 */

/** True for bytes that may continue an identifier. */
function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

/** Rules (private and global ones included) declared at the top level of `source`. */
export function countYaraRules(source: string): number {
  let count = 0;
  let depth = 0;
  let lastToken = '';
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? n : end;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '"' || (c === '/' && (lastToken === '=' || lastToken === 'matches'))) {
      i = skipQuoted(source, i, c);
      lastToken = 'literal';
    } else if (c === '{') { depth++; i++; lastToken = c; }
    else if (c === '}') { depth = Math.max(0, depth - 1); i++; lastToken = c; }
    else if (isIdentChar(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(source[j])) j++;
      const word = source.slice(i, j);
      if (word === 'rule' && depth === 0 && !isIdentChar(source[i - 1])) count++;
      lastToken = word;
      i = j;
    } else {
      if (c.trim() !== '') lastToken = c;
      i++;
    }
  }
  return count;
}

/** Index just past a `"…"` string or `/…/` regular expression starting at `start` (backslash escapes honoured). */
function skipQuoted(source: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') i += 2;
    else if (c === quote || c === '\n') return i + 1;
    else i++;
  }
  return source.length;
}
