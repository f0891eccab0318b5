/**
 * A small YARA lexer: enough to find the rules a file declares (name,
 * private/global, line, meta description) without being fooled by
 * comments, strings, regular expressions or hex strings.
 */

/** Most rules listed from one file. */
export const MAX_RULES_PER_FILE = 100_000;

/** A rule a YARA file declares. */
export interface YaraRuleHeader {
  name: string;
  /** `private` rules exist to be referenced by others; they are no indicators of their own. */
  isPrivate: boolean;
  isGlobal: boolean;
  /** 1-based line of the `rule` keyword. */
  line: number;
  /** The first `description` in the rule's meta section, if any. */
  description?: string;
}

interface Tok { kind: 'ident' | 'string' | 'regex' | 'punct'; text: string; line: number }

/** The rules declared in a YARA source text, in order. Never throws. */
export function listYaraRules(src: string): YaraRuleHeader[] {
  const toks = tokenizeYara(src);
  const out: YaraRuleHeader[] = [];
  let isPrivate = false, isGlobal = false;
  for (let i = 0; i < toks.length && out.length < MAX_RULES_PER_FILE; i++) {
    const t = toks[i]!;
    if (t.kind === 'punct' && t.text === '{') { i = skipBlock(toks, i); isPrivate = isGlobal = false; continue; }
    if (t.kind !== 'ident') { isPrivate = isGlobal = false; continue; }
    if (t.text === 'private') { isPrivate = true; continue; }
    if (t.text === 'global') { isGlobal = true; continue; }
    if (t.text === 'rule') {
      const name = toks[i + 1];
      if (name?.kind === 'ident') {
        let j = i + 2;
        while (j < toks.length && !(toks[j]!.kind === 'punct' && toks[j]!.text === '{')) j++;
        const end = skipBlock(toks, j);
        const header: YaraRuleHeader = { name: name.text, isPrivate, isGlobal, line: t.line };
        const description = findDescription(toks, j, end);
        if (description !== undefined) header.description = description;
        out.push(header);
        i = end;
      }
    }
    isPrivate = isGlobal = false;
  }
  return out;
}

/** Index of the `}` closing the `{` at `open` (or the last token). */
function skipBlock(toks: Tok[], open: number): number {
  let depth = 0;
  for (let i = open; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind !== 'punct') continue;
    if (t.text === '{') depth++;
    else if (t.text === '}' && --depth === 0) return i;
  }
  return toks.length - 1;
}

/** `description = "…"` inside `meta:` between the rule's braces. */
function findDescription(toks: Tok[], open: number, close: number): string | undefined {
  let inMeta = false;
  for (let i = open + 1; i < close; i++) {
    const t = toks[i]!;
    if (t.kind === 'ident' && toks[i + 1]?.text === ':' && toks[i + 1]?.kind === 'punct') {
      if (t.text === 'meta') inMeta = true;
      else if (t.text === 'strings' || t.text === 'condition') return undefined;
      continue;
    }
    if (inMeta && t.kind === 'ident' && t.text === 'description' && toks[i + 1]?.text === '=' && toks[i + 2]?.kind === 'string') {
      return toks[i + 2]!.text;
    }
  }
  return undefined;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Tokens of a YARA text; comments dropped; string and regex literals kept whole. */
export function tokenizeYara(src: string): Tok[] {
  const out: Tok[] = [];
  let line = 1;
  const n = src.length;
  let i = 0;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10) { line++; i++; continue; }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) { i++; continue; }
    const next = src.charCodeAt(i + 1);
    if (c === 47 && next === 47) { while (i < n && src.charCodeAt(i) !== 10) i++; continue; }
    if (c === 47 && next === 42) {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      line += countNewlines(src, i, stop);
      i = stop;
      continue;
    }
    if (c === 34) { // "…" with backslash escapes, not spanning lines
      let j = i + 1;
      let text = '';
      while (j < n && src.charCodeAt(j) !== 34 && src.charCodeAt(j) !== 10) {
        if (src.charCodeAt(j) === 92 && j + 1 < n) { text += unescapeChar(src[j + 1]!); j += 2; continue; }
        text += src[j];
        j++;
      }
      out.push({ kind: 'string', text, line });
      i = j < n && src.charCodeAt(j) === 34 ? j + 1 : j;
      continue;
    }
    if (c === 47 && startsRegex(out)) { // /regex/flags
      let j = i + 1;
      while (j < n && src.charCodeAt(j) !== 47 && src.charCodeAt(j) !== 10) j += src.charCodeAt(j) === 92 ? 2 : 1;
      j = Math.min(j + 1, n);
      while (j < n && isIdentStart(src.charCodeAt(j))) j++;
      out.push({ kind: 'regex', text: src.slice(i, j), line });
      i = j;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n) {
        const d = src.charCodeAt(j);
        if (!(isIdentStart(d) || (d >= 48 && d <= 57))) break;
        j++;
      }
      out.push({ kind: 'ident', text: src.slice(i, j), line });
      i = j;
      continue;
    }
    out.push({ kind: 'punct', text: src[i]!, line });
    i++;
  }
  return out;
}

/** A `/` starts a regular expression after `=` (strings section) or `matches`. */
function startsRegex(out: Tok[]): boolean {
  const last = out[out.length - 1];
  return last !== undefined && ((last.kind === 'punct' && last.text === '=') || (last.kind === 'ident' && last.text === 'matches'));
}

function unescapeChar(c: string): string {
  return c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c;
}

function countNewlines(s: string, from: number, to: number): number {
  let k = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 10) k++;
  return k;
}
