/**
 * YARA scanning through YARA-X (core/yara-x.ts). A campaign's rule files are
 * compiled together, each in its own namespace so rule names may repeat
 * across files; a file that does not compile is a diagnostic and the others
 * still load. `include` is refused (core/yara-x.ts's YARA_COMPILER_OPTIONS, the
 * same at import): a rule file from intel must not make the scanner read other files.
 */
import {
  YARA_INCLUDE_REFUSED, compileYaraSource, isIncludeRefused, lineOfYaraMessage, listYaraRules, validateYaraSource,
  type YaraXMessage, type YaraXRuleMatch, type YaraXRules,
} from '../core/yara-x.js';
import { diag, quoteForDiagnostic, type Diagnostic } from '../core/diagnostic.js';

/** Matched offsets kept per string identifier in a YaraMatch. */
export const MAX_OFFSETS_PER_STRING = 16;
/** Matches YARA-X records per pattern (its default is a million); `#a > N` conditions see at most this many. */
export const MAX_ENGINE_MATCHES_PER_PATTERN = 10000;
/** Default per-file scan timeout in seconds (YARA-X checks it about once a second). */
export const DEFAULT_SCAN_TIMEOUT_SECONDS = 60;
/** Compiler messages are cut to this many characters in a diagnostic. */
const MAX_MESSAGE_CHARS = 300;

/** One matched string of a rule: its identifier (`$a`, or `$` when anonymous) and where it matched. */
export interface YaraStringMatch {
  identifier: string;
  /** Byte offsets, ascending, at most MAX_OFFSETS_PER_STRING. */
  offsets: number[];
  /** How many matches YARA-X reported for this identifier (before the cap). */
  count: number;
}

/** A rule that matched a scanned buffer. */
export interface YaraMatch {
  rule: string;
  /** The namespace: the rule file's name as given to compile (made unique with `#2`, `#3`… on repeats). */
  namespace: string;
  tags: string[];
  meta: Record<string, string | number | boolean>;
  /** Strings that matched (a rule whose condition names only other rules has none). */
  strings: YaraStringMatch[];
}

/** A rule source to compile: `name` is the file's name, for diagnostics and as the namespace. */
export interface YaraSource {
  name: string;
  source: string;
}

/** Options of YaraScanner.compile. */
export interface YaraScanOptions {
  /** Per-file scan timeout in seconds (default DEFAULT_SCAN_TIMEOUT_SECONDS). */
  timeoutSeconds?: number;
}

type NativeRules = YaraXRules;
type NativeMessage = YaraXMessage;
type NativeRuleMatch = YaraXRuleMatch;

/** Compiled YARA rules, ready to scan buffers. */
export class YaraScanner {
  /** Rules compiled (private ones included), counted from the sources that compiled. */
  readonly ruleCount: number;
  private readonly rules: NativeRules | null;
  private readonly onDiagnostic: (d: Diagnostic) => void;

  private constructor(rules: NativeRules | null, ruleCount: number, onDiagnostic: (d: Diagnostic) => void) {
    this.rules = rules;
    this.ruleCount = ruleCount;
    this.onDiagnostic = onDiagnostic;
  }

  /**
   * Compiles YARA rule sources once; rules from several files of a campaign
   * together, each file in its own namespace (its name). A file that does not
   * compile → 'compile-error' diagnostics (one per error, `name:line`), and it
   * is left out; compiler warnings → warning diagnostics.
   */
  static compile(sources: YaraSource[], onDiagnostic: (d: Diagnostic) => void, options: YaraScanOptions = {}): YaraScanner {
    return YaraScanner.compileValidated(YaraScanner.validate(sources, onDiagnostic), onDiagnostic, options);
  }

  /**
   * Checks rule sources one file at a time: diagnostics for those that do
   * not compile (left out) and for warnings; the good ones come back with
   * unique namespaces (`name#2` on a repeated name), ready for compileValidated.
   */
  static validate(sources: readonly YaraSource[], onDiagnostic: (d: Diagnostic) => void): YaraSource[] {
    const good: YaraSource[] = [];
    const used = new Map<string, number>();
    for (const { name, source } of sources) {
      let result: { warnings: NativeMessage[]; errors: NativeMessage[] };
      try {
        result = validateYaraSource(source);
      } catch (err) {
        onDiagnostic(diag('compile-error', name, `does not compile: ${quoteMessage((err as Error).message)}`));
        continue;
      }
      for (const e of result.errors) onDiagnostic(messageDiagnostic(name, e, 'error'));
      if (result.errors.length > 0) continue;
      for (const w of result.warnings) onDiagnostic(messageDiagnostic(name, w, 'warning'));
      const seen = (used.get(name) ?? 0) + 1;
      used.set(name, seen);
      good.push({ source, name: seen === 1 ? name : `${name}#${seen}` });
    }
    return good;
  }

  /**
   * Compiles sources that validate() passed, each in the namespace of its
   * name (a worker thread compiles what the main thread validated, without
   * checking each file again).
   */
  static compileValidated(good: readonly YaraSource[], onDiagnostic: (d: Diagnostic) => void, options: YaraScanOptions = {}): YaraScanner {
    if (good.length === 0) return new YaraScanner(null, 0, onDiagnostic);
    let ruleCount = 0;
    for (const g of good) ruleCount += listYaraRules(g.source).length;
    let rules: NativeRules;
    try {
      rules = compileYaraSource('');
      rules.addRuleSources(good.map((g) => ({ source: g.source, namespace: g.name })));
    } catch (err) {
      // Each file compiled alone; together they should too. Should they not, say so and scan with none.
      onDiagnostic(diag('compile-error', good.map((g) => g.name).join(', '), `rule files do not compile together: ${quoteMessage((err as Error).message)}`));
      return new YaraScanner(null, 0, onDiagnostic);
    }
    rules.setMaxMatchesPerPattern(MAX_ENGINE_MATCHES_PER_PATTERN);
    const seconds = options.timeoutSeconds ?? DEFAULT_SCAN_TIMEOUT_SECONDS;
    rules.setTimeout(Math.max(0, Math.min(Math.round(seconds * 1000), 0xffffffff)));
    return new YaraScanner(rules, ruleCount, onDiagnostic);
  }

  /**
   * Matches with rule name, namespace, tags, metadata, and matched strings'
   * identifiers + offsets (at most MAX_OFFSETS_PER_STRING per string). A scan
   * over the timeout (YARA-X's own, set at compile) or failing otherwise →
   * a diagnostic on `path` to compile's onDiagnostic, and no matches.
   */
  scan(data: Buffer, path = '<buffer>'): YaraMatch[] {
    if (!this.rules) return [];
    let found: NativeRuleMatch[];
    try {
      found = this.rules.scan(data);
    } catch (err) {
      this.onDiagnostic(diag('skipped', path, `YARA scan stopped: ${quoteMessage((err as Error).message)}`));
      return [];
    }
    return found.map(toYaraMatch);
  }
}

/** A binding match as a YaraMatch: strings grouped by identifier, offsets capped. */
function toYaraMatch(m: NativeRuleMatch): YaraMatch {
  const byId = new Map<string, YaraStringMatch>();
  for (const hit of m.matches) {
    let s = byId.get(hit.identifier);
    if (!s) {
      s = { identifier: hit.identifier, offsets: [], count: 0 };
      byId.set(hit.identifier, s);
    }
    s.count++;
    if (s.offsets.length < MAX_OFFSETS_PER_STRING) s.offsets.push(hit.offset);
  }
  const meta: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(m.meta)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') meta[k] = v;
  }
  return { rule: m.ruleIdentifier, namespace: m.namespace, tags: [...m.tags], meta, strings: [...byId.values()] };
}

/** A compiler error or warning as a diagnostic at `name:line`. */
function messageDiagnostic(name: string, m: NativeMessage, severity: 'error' | 'warning'): Diagnostic {
  const line = lineOfYaraMessage(m);
  const reason = isIncludeRefused(m) ? YARA_INCLUDE_REFUSED : `${m.code}: ${quoteMessage(firstLine(m.message))}`;
  const d = diag('compile-error', name, reason, line !== undefined ? { line } : {});
  return { ...d, severity };
}

/** YARA-X messages read `error[E009]: text\n --> line:3:5 …`: the first line, less its `error[…]:` prefix. */
function firstLine(message: string): string {
  const first = message.split('\n', 1)[0] ?? '';
  return first.replace(/^(error|warning)\[[^\]]*\]:\s*/, '');
}

/** Compiler text quoted safely and cut. */
function quoteMessage(message: string): string {
  return quoteForDiagnostic(firstLine(message), MAX_MESSAGE_CHARS);
}
