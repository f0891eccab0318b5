/** Quoting of attacker-controlled values in diagnostic reasons. */
import { quoteForDiagnostic } from '../core/diagnostic.js';

/** `'value'`, truncated and with control bytes made visible. */
export function quoteValue(s: string, max = 80): string {
  return `'${quoteForDiagnostic(s, max)}'`;
}
