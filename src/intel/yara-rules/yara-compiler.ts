/**
 * A small typed wrapper around YARA-X's compiler (core/yara-x.ts): compiles a
 * rule text to check it, and turns a failure into a line and a message.
 */
import { loadYaraX } from '../../core/yara-x.js';

/** Longest compiler message kept (YARA-X renders source excerpts). */
export const MAX_COMPILE_MESSAGE = 2000;

/** The outcome of compiling one rule text. */
export type YaraCompileResult =
  | { ok: true; rules: YaraCompiledRules }
  | { ok: false; line: number | null; message: string };

/** The compiled rules, with the compiler's warnings as text. */
export interface YaraCompiledRules {
  warnings: string[];
}

const LOCATION_RE = /-->\s*[^\n]*?:(\d+):(\d+)/;

/** Compiles `source` with YARA-X (no external variables, no includes resolved from disk). Never throws. */
export function compileYara(source: string): YaraCompileResult {
  try {
    const rules = loadYaraX().compile(source);
    let warnings: string[] = [];
    try {
      warnings = rules.getWarnings().map((w) => firstLine(w.message));
    } catch { /* warnings are a nicety */ }
    return { ok: true, rules: { warnings } };
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    return { ok: false, line: lineOf(text), message: summarize(text) };
  }
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
