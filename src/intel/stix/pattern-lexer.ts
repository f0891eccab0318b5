/**
 * Tokenizer for the STIX 2.1 patterning language (STIX 2.1 part 9, and the
 * ANTLR grammar `STIXPattern.g4` of oasis-open/cti-pattern-validator).
 */

/** Longest pattern accepted; longer ones are a syntax error, not a hang. */
export const MAX_PATTERN_LENGTH = 256 * 1024;

/** Token kinds. Keywords are upper-case and case-sensitive, as in the grammar. */
export type TokenKind =
  | 'ident' | 'string' | 'int' | 'float' | 'binary' | 'hex' | 'timestamp'
  | 'keyword' | 'op' | '[' | ']' | '(' | ')' | ':' | '.' | ',' | '*' | 'eof';

/** One token with its start position (UTF-16 index into the pattern text). */
export interface Token {
  kind: TokenKind;
  /** Keyword or operator text, identifier name, decoded string/binary/hex/timestamp content, or number text. */
  text: string;
  pos: number;
}

/** A syntax error in a pattern, with the position (0-based character index) it was found at. */
export class StixPatternError extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} at ${position}`);
    this.name = 'StixPatternError';
    this.position = position;
  }
}

const KEYWORDS = new Set([
  'AND', 'OR', 'NOT', 'FOLLOWEDBY', 'LIKE', 'MATCHES', 'ISSUPERSET', 'ISSUBSET', 'EXISTS', 'LAST',
  'IN', 'START', 'STOP', 'SECONDS', 'true', 'false', 'WITHIN', 'REPEATS', 'TIMES',
]);

const TIMESTAMP_RE = /^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?Z$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 45;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

/** Splits a pattern into tokens; throws StixPatternError on a bad character or literal. */
export function tokenizePattern(src: string): Token[] {
  if (src.length > MAX_PATTERN_LENGTH) throw new StixPatternError(`pattern longer than ${MAX_PATTERN_LENGTH} characters`, MAX_PATTERN_LENGTH);
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (isSpace(c)) { i++; continue; }
    // Comments: the grammar allows /* … */ and // … to end of line.
    if (c === 47 && src.charCodeAt(i + 1) === 42) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new StixPatternError('unterminated comment', i);
      i = end + 2;
      continue;
    }
    if (c === 47 && src.charCodeAt(i + 1) === 47) {
      while (i < n && src.charCodeAt(i) !== 10) i++;
      continue;
    }
    const start = i;
    if (c === 39) { // '
      const { text, end } = readQuoted(src, i);
      out.push({ kind: 'string', text, pos: start });
      i = end;
      continue;
    }
    const next = src.charCodeAt(i + 1);
    if ((c === 98 || c === 104 || c === 116) && next === 39) { // b' h' t'
      const { text, end } = readQuoted(src, i + 1);
      if (c === 98 && !BASE64_RE.test(text)) throw new StixPatternError('bad base64 in binary literal', start);
      if (c === 104 && !HEX_RE.test(text)) throw new StixPatternError('bad hex literal', start);
      if (c === 116 && !TIMESTAMP_RE.test(text)) throw new StixPatternError('bad timestamp literal', start);
      out.push({ kind: c === 98 ? 'binary' : c === 104 ? 'hex' : 'timestamp', text, pos: start });
      i = end;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(src.charCodeAt(j))) j++;
      const word = src.slice(i, j);
      const lower = word.length <= 5 ? word.toLowerCase() : '';
      // Booleans are case-insensitive in the grammar; the other keywords are not.
      if (lower === 'true' || lower === 'false') out.push({ kind: 'keyword', text: lower, pos: start });
      else out.push({ kind: KEYWORDS.has(word) ? 'keyword' : 'ident', text: word, pos: start });
      i = j;
      continue;
    }
    if (isDigit(c) || ((c === 45 || c === 43) && (isDigit(next) || (next === 46 && isDigit(src.charCodeAt(i + 2))))) || (c === 46 && isDigit(next) && !prevEndsPath(out))) {
      i = readNumber(src, i, out);
      continue;
    }
    switch (c) {
      case 91: out.push({ kind: '[', text: '[', pos: i++ }); continue;
      case 93: out.push({ kind: ']', text: ']', pos: i++ }); continue;
      case 40: out.push({ kind: '(', text: '(', pos: i++ }); continue;
      case 41: out.push({ kind: ')', text: ')', pos: i++ }); continue;
      case 58: out.push({ kind: ':', text: ':', pos: i++ }); continue;
      case 46: out.push({ kind: '.', text: '.', pos: i++ }); continue;
      case 44: out.push({ kind: ',', text: ',', pos: i++ }); continue;
      case 42: out.push({ kind: '*', text: '*', pos: i++ }); continue;
      case 61: // = ==
        i += next === 61 ? 2 : 1;
        out.push({ kind: 'op', text: '=', pos: start });
        continue;
      case 33: // !=
        if (next !== 61) throw new StixPatternError("unexpected '!'", i);
        out.push({ kind: 'op', text: '!=', pos: start });
        i += 2;
        continue;
      case 60: // < <= <>
        if (next === 62) { out.push({ kind: 'op', text: '!=', pos: start }); i += 2; continue; }
        out.push({ kind: 'op', text: next === 61 ? '<=' : '<', pos: start });
        i += next === 61 ? 2 : 1;
        continue;
      case 62: // > >=
        out.push({ kind: 'op', text: next === 61 ? '>=' : '>', pos: start });
        i += next === 61 ? 2 : 1;
        continue;
      default:
        throw new StixPatternError(`unexpected character ${JSON.stringify(src[i])}`, i);
    }
  }
  out.push({ kind: 'eof', text: '', pos: n });
  return out;
}

/** After an identifier or `]` a `.` is a path separator, never the start of a float. */
function prevEndsPath(out: Token[]): boolean {
  const last = out[out.length - 1];
  return last !== undefined && (last.kind === 'ident' || last.kind === ']' || last.kind === 'string');
}

/** Reads a single-quoted literal starting at the quote; only `\'` and `\\` are escapes. */
function readQuoted(src: string, quote: number): { text: string; end: number } {
  let i = quote + 1;
  let text = '';
  let from = i;
  for (;;) {
    if (i >= src.length) throw new StixPatternError('unterminated string literal', quote);
    const c = src.charCodeAt(i);
    if (c === 39) { text += src.slice(from, i); return { text, end: i + 1 }; }
    if (c === 92) {
      const e = src.charCodeAt(i + 1);
      if (e !== 39 && e !== 92) throw new StixPatternError('bad escape in string literal', i);
      text += src.slice(from, i) + src[i + 1];
      i += 2;
      from = i;
      continue;
    }
    i++;
  }
}

/** Reads an int (`[+-]?(0|[1-9][0-9]*)`) or float (`[+-]?[0-9]*\.[0-9]+`). */
function readNumber(src: string, i: number, out: Token[]): number {
  const start = i;
  if (src[i] === '+' || src[i] === '-') i++;
  const intStart = i;
  while (i < src.length && isDigit(src.charCodeAt(i))) i++;
  const intLen = i - intStart;
  if (src[i] === '.' && isDigit(src.charCodeAt(i + 1))) {
    i++;
    while (i < src.length && isDigit(src.charCodeAt(i))) i++;
    out.push({ kind: 'float', text: src.slice(start, i), pos: start });
  } else {
    if (intLen > 1 && src[intStart] === '0') throw new StixPatternError('integer with a leading zero', start);
    out.push({ kind: 'int', text: src.slice(start, i), pos: start });
  }
  if (i < src.length && isIdentStart(src.charCodeAt(i))) throw new StixPatternError('letter directly after a number', i);
  return i;
}
