/**
 * A bad record or unreadable input: reported as `path:line: reason`, never
 * fatal to the rest (docs/design.md, "Habits").
 */

/** Stable codes, so scripts can tell kinds of trouble apart. */
export type DiagnosticCode =
  | 'unknown-format'   // a file in no known format
  | 'unreadable'       // cannot open or read the file
  | 'bad-record'       // a record that does not parse
  | 'not-indicator'    // an IOC-list line that is no indicator
  | 'unsupported'      // valid input we cannot turn into indicators (a STIX LIKE pattern)
  | 'truncated'        // input cut off
  | 'too-large'        // a line, file or block over a limit
  | 'compile-error'    // a YARA file that does not compile
  | 'warninglisted'    // an indicator on a warninglist (a warning, not a skip)
  | 'duplicate'        // evidence already hunted (a notice, not a skip)
  | 'no-timestamp'     // records read, but their time was not understood (a warning, once per file)
  | 'skipped';         // anything else left out

export interface Diagnostic {
  code: DiagnosticCode;
  path: string;
  /** 1-based line, when the input has lines. */
  line?: number;
  /** 1-based packet number, for captures. */
  packet?: number;
  /** Byte offset, when neither line nor packet applies (JSON position). */
  offset?: number;
  reason: string;
  /** A warning leaves exit status alone; anything else makes it 2. */
  severity: 'error' | 'warning';
}

/** Renders `path:line: reason` (or `path:packet N: reason`, `path: reason`). */
export function formatDiagnostic(d: Diagnostic): string {
  let where = d.path;
  if (d.line !== undefined) where += `:${d.line}`;
  else if (d.packet !== undefined) where += `:packet ${d.packet}`;
  else if (d.offset !== undefined) where += `:byte ${d.offset}`;
  return `${where}: ${d.reason}`;
}

/** Codes that report something worth knowing but nothing skipped: they leave exit status alone. */
const WARNING_CODES: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>(['warninglisted', 'duplicate', 'no-timestamp']);

/** Convenience constructor: a warning for the codes in WARNING_CODES, an error otherwise. */
export function diag(
  code: DiagnosticCode,
  path: string,
  reason: string,
  at: { line?: number; packet?: number; offset?: number } = {},
): Diagnostic {
  return { code, path, reason, severity: WARNING_CODES.has(code) ? 'warning' : 'error', ...at };
}

/** Truncates attacker-controlled text quoted in a diagnostic, and makes control bytes visible. */
export function quoteForDiagnostic(s: string, max = 80): string {
  const cut = s.length > max ? s.slice(0, max) + '…' : s;
  return cut.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
