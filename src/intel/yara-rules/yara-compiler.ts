/**
 * A small typed wrapper around YARA-X's compiler (core/yara-x.ts): validates a
 * rule text with the options the hunt compiles it with (includes refused), and
 * turns a failure into a line and a message, and each refused include into its line.
 */
import { isIncludeRefused, lineOfYaraMessage, validateYaraSource } from '../../core/yara-x.js';

/** Longest compiler message kept (YARA-X renders source excerpts). */
export const MAX_COMPILE_MESSAGE = 2000;

/** The outcome of compiling one rule text. */
export type YaraCompileResult =
  | { ok: true; rules: YaraCompiledRules }
  /** `includes`: the lines of `include` statements refused (then `line` is the first of them). */
  | { ok: false; line: number | null; message: string; includes: number[] };

/** The compiled rules, with the compiler's warnings as text. */
export interface YaraCompiledRules {
  warnings: string[];
}

const LOCATION_RE = /-->\s*[^\n]*?:(\d+):(\d+)/;

/** Validates `source` with YARA-X as the hunt compiles it (no external variables, includes refused, never read). Never throws. */
export function compileYara(source: string): YaraCompileResult {
  let result: ReturnType<typeof validateYaraSource>;
  try {
    result = validateYaraSource(source);
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    return { ok: false, line: lineOf(text), message: summarize(text), includes: [] };
  }
  const includes = result.errors.filter(isIncludeRefused).map((m) => lineOfYaraMessage(m) ?? 0);
  const first = result.errors[0];
  if (first !== undefined) {
    return { ok: false, line: includes[0] ?? lineOfYaraMessage(first) ?? null, message: summarize(first.message), includes };
  }
  return { ok: true, rules: { warnings: result.warnings.map((w) => firstLine(w.message)) } };
}

/** The line from YARA-X's `--> line:L:C` marker, or null. */
export function lineOf(message: string): number | null {
  const m = LOCATION_RE.exec(message);
  return m ? Number(m[1]) : null;
}

/** `error[E025]: unknown pattern `$b`` plus the label under the caret, on one line. */
function summarize(text: string): string {
  const lines = text.split('\n');
  const head = (lines[0] ?? '').replace(/^Compilation error \([^)]*\):\s*/, '');
  const label = lines.map((l) => /^\s*\|\s*[\^-]+\s+(.*)$/.exec(l)?.[1]).find((l) => l !== undefined);
  const msg = label ? `${head}: ${label}` : head;
  return msg.length > MAX_COMPILE_MESSAGE ? msg.slice(0, MAX_COMPILE_MESSAGE) + '…' : msg;
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
