/**
 * YARA, as intel/ (validating and listing rule files) and samples/ (scanning)
 * both need it, since they may not import each other: the YARA-X native
 * binding (@litko/yara-x-linux-x64-gnu 0.7.2, which carries YARA-X 1.20),
 * loaded on first use; the one set of compiler options (includes refused);
 * and the one YARA lexer (rule names, lines, descriptions, the rule count).
 *
 * The binding is loaded directly rather than through the `@litko/yara-x`
 * wrapper: the wrapper's optional platform packages for macOS are not on the
 * registry, so no lock file could satisfy `npm ci` with it (see
 * docs/dependencies.md). Only Linux x64 with glibc has a binding.
 */
import { createRequire } from 'node:module';

/** The binding's package, an optional dependency pinned in package.json. */
export const YARA_X_PACKAGE = '@litko/yara-x-linux-x64-gnu';

/** A compiler message (warning or error) as the binding reports it. */
export interface YaraXMessage {
  code: string;
  message: string;
  line?: number;
}

/** One match of one pattern. */
export interface YaraXPatternMatch {
  offset: number;
  length: number;
  identifier: string;
}

/** A rule that matched. */
export interface YaraXRuleMatch {
  ruleIdentifier: string;
  namespace: string;
  meta: Record<string, unknown>;
  tags: string[];
  matches: YaraXPatternMatch[];
}

/** Compiled rules: the parts of the binding's `YaraX` class Sightline uses. */
export interface YaraXRules {
  getWarnings(): YaraXMessage[];
  addRuleSources(sources: { source: string; namespace?: string }[]): void;
  setMaxMatchesPerPattern(n: number): void;
  setTimeout(ms: number): void;
  scan(data: Buffer): YaraXRuleMatch[];
}

/** Compiler options Sightline passes (`enableIncludes: false`: a rule file never makes YARA-X read another file). */
export interface YaraXCompilerOptions {
  enableIncludes?: boolean;
}

export interface YaraX {
  compile(source: string, options?: YaraXCompilerOptions): YaraXRules;
  validate(source: string, options?: YaraXCompilerOptions): { warnings: YaraXMessage[]; errors: YaraXMessage[] };
}

/**
 * The compiler options every compilation uses, at import and at hunt time alike: a rule
 * file is attacker-controlled, and `include "/etc/passwd"` would read any local file
 * (`include "/dev/zero"` grows the process without end). YARA-X refuses each include
 * with YARA_INCLUDE_REFUSED_CODE.
 */
export const YARA_COMPILER_OPTIONS: Readonly<YaraXCompilerOptions> = Object.freeze({ enableIncludes: false });
/** YARA-X's error code for an `include` statement when includes are disabled. */
export const YARA_INCLUDE_REFUSED_CODE = 'E044';
/** The reason a refused include is reported with (`path:line: include refused`). */
export const YARA_INCLUDE_REFUSED = 'include refused';

let binding: YaraX | null = null;

/** The binding; throws a readable error where it is not installed (another platform). */
export function loadYaraX(): YaraX {
  if (binding) return binding;
  try {
    binding = createRequire(import.meta.url)(YARA_X_PACKAGE) as YaraX;
  } catch (e) {
    throw new Error(`YARA-X is not available (${YARA_X_PACKAGE} is installed on Linux x64 with glibc only): ${(e as Error).message}`);
  }
  return binding;
}

/** Compiles `source` with YARA_COMPILER_OPTIONS (includes refused); throws on errors as the binding does. */
export function compileYaraSource(source: string): YaraXRules {
  return loadYaraX().compile(source, YARA_COMPILER_OPTIONS);
}

/** Validates `source` with YARA_COMPILER_OPTIONS (includes refused): every error and warning, with its line. */
export function validateYaraSource(source: string): { warnings: YaraXMessage[]; errors: YaraXMessage[] } {
  return loadYaraX().validate(source, YARA_COMPILER_OPTIONS);
}

/** Whether a compiler message is YARA-X refusing an `include`. */
export function isIncludeRefused(m: YaraXMessage): boolean {
  return m.code === YARA_INCLUDE_REFUSED_CODE;
}

/** The line in a YARA-X message's ` --> line:L:C` marker, when it has none of its own. */
export function lineOfYaraMessage(m: YaraXMessage): number | undefined {
  if (m.line !== undefined) return m.line;
  const found = /-->\s*[^\n]*?:(\d+):\d+/.exec(m.message);
  return found ? Number(found[1]) : undefined;
}

// ---- The YARA lexer: enough to find the rules a file declares (name, private/global,
// line, meta description) without being fooled by comments, strings, regular
// expressions or hex strings. intel/ lists rules with it, samples/ counts them.

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

/** A YARA token: comments are dropped, string and regex literals kept whole. */
export interface Tok { kind: 'ident' | 'string' | 'regex' | 'punct'; text: string; line: number }

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

/**
 * A `yara` indicator is one rule of one rule file: two files may both define
 * a rule `APT_Generic`, for different campaigns. The case keys it as
 * `namespace:rule` (the namespace is the file's name, as the scanner compiles
 * each file in a namespace of its own); what users see is the rule's name
 * (yaraRuleName). A YARA identifier has no `:`, so the last one splits them.
 * Rules imported before namespaces were kept have no namespace part.
 */
export function yaraIndicatorValue(namespace: string, rule: string): string {
  return `${namespace}:${rule}`;
}

/** The rule's name in a `yara` indicator's stored value (see yaraIndicatorValue). */
export function yaraRuleName(value: string): string {
  return value.slice(value.lastIndexOf(':') + 1);
}

/**
 * The stored values a scanner match may stand for, most specific first: the
 * match's namespace without the `#2` a repeated file name gets at compile time,
 * then the bare rule name (rules imported before namespaces were kept).
 */
export function yaraMatchKeys(namespace: string, rule: string): [string, string] {
  return [yaraIndicatorValue(namespace.replace(/#\d+$/, ''), rule), rule];
}
