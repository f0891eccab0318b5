/** Output helpers shared by the commands: JSON lines, text tables, diagnostics, exit status. */
import { formatDiagnostic, type Diagnostic } from '../index.js';

/** Exit statuses of docs/design.md. */
export const EXIT_OK = 0;
export const EXIT_FATAL = 1;
export const EXIT_SKIPPED = 2;

/** Counts what was skipped (error diagnostics) while printing every diagnostic to stderr. */
export class DiagnosticPrinter {
  errors = 0;
  warnings = 0;
  constructor(private readonly write: (line: string) => void = (l) => process.stderr.write(l + '\n')) {}
  readonly report = (d: Diagnostic): void => {
    if (d.severity === 'error') this.errors++;
    else this.warnings++;
    // Paths and reasons may carry attacker-chosen bytes (file names, record text).
    this.write(safeText(formatDiagnostic(d)));
  };
  get exitCode(): number {
    return this.errors > 0 ? EXIT_SKIPPED : EXIT_OK;
  }
}

export function printJsonLine(o: unknown): void {
  process.stdout.write(JSON.stringify(o) + '\n');
}

/** Lines for stdout gathered into chunks of 64 KiB: a listing of a million rows is not a million writes. Call flush() at the end. */
export class ChunkedStdout {
  private pending = '';
  line(text: string): void {
    this.pending += text;
    if (this.pending.length >= 64 * 1024) this.flush();
  }
  flush(): void {
    if (this.pending === '') return;
    process.stdout.write(this.pending);
    this.pending = '';
  }
}

/** Left-aligned columns; the last column is not padded. */
export function formatTable(header: string[], rows: string[][]): string {
  // A loop, not Math.max(...rows): a table of a hundred thousand victims is too many arguments for one call.
  const widths = header.map((h) => h.length);
  for (const r of rows) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, (r[i] ?? '').length);
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** Makes control characters in attacker-controlled text visible before it reaches a terminal. */
export function safeText(s: string): string {
  return s.replace(/[\x00-\x1f\x7f\u009b]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
