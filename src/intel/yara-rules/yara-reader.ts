/**
 * Reads a YARA rule file: compiles it with YARA-X to validate it (an `include`
 * is refused, never read: `path:line: include refused`), then lists its public
 * rules as `yara` indicators carrying the whole file's source.
 */
import { diag, quoteForDiagnostic } from '../../core/diagnostic.js';
import { basename } from 'node:path';
import { YARA_INCLUDE_REFUSED, yaraIndicatorValue } from '../../core/yara-x.js';
import type { IntelItem } from '../../core/model.js';
import type { IntelSink } from '../intel-sink.js';
import { compileYara } from './yara-compiler.js';
import { listYaraRules } from './rule-lexer.js';

/** Largest rule file compiled. */
export const MAX_YARA_FILE_BYTES = 64 * 1024 * 1024;

/** Reads one YARA file's bytes into the sink; never throws on bad input. */
export function readYaraRules(data: Buffer, path: string, sink: IntelSink): void {
  if (data.length > MAX_YARA_FILE_BYTES) {
    sink.diagnostic(diag('too-large', path, `YARA file of ${data.length} bytes is over the limit of ${MAX_YARA_FILE_BYTES}`));
    return;
  }
  const bom = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
  const source = data.toString('utf8', bom);
  if (source.indexOf('\0') >= 0) {
    sink.diagnostic(diag('compile-error', path, 'not a YARA rule file: it holds NUL bytes'));
    return;
  }
  const result = compileYara(source);
  if (!result.ok && result.includes.length > 0) {
    // Refused as the hunt refuses them (core/yara-x.ts): the file's rules are not imported, since they could not be hunted.
    for (const line of result.includes) sink.diagnostic(diag('compile-error', path, YARA_INCLUDE_REFUSED, { line }));
    return;
  }
  if (!result.ok) {
    const at = result.line !== null ? { line: result.line } : {};
    sink.diagnostic(diag('compile-error', path, quoteForDiagnostic(result.message, 300), at));
    return;
  }
  for (const r of listYaraRules(source)) {
    if (r.isPrivate) continue;
    // One indicator per rule of this file: the same name in another file is another rule (core/yara-x.ts).
    const item: IntelItem = { type: 'yara', value: yaraIndicatorValue(basename(path), r.name), campaigns: [], ruleSource: source, line: r.line };
    if (r.description !== undefined) item.description = r.description;
    sink.item(item);
  }
}
