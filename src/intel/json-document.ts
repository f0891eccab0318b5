/**
 * Parses a whole JSON intel document (STIX bundle, MISP export) and turns a
 * parse failure into one diagnostic naming the byte position.
 */
import { diag, quoteForDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { MAX_JSON_INTEL_BYTES } from '../core/limits.js';

/** The parsed value, or the diagnostic that says why there is none. */
export type JsonDocument = { ok: true; value: unknown } | { ok: false; diagnostic: Diagnostic };

const POSITION_RE = /at position (\d+)/;

/** Parses `data` as JSON (UTF-8, BOM allowed); a truncated document is reported as 'truncated'. */
export function parseJsonDocument(data: Buffer, path: string): JsonDocument {
  if (data.length > MAX_JSON_INTEL_BYTES) {
    return { ok: false, diagnostic: diag('too-large', path, `JSON document of ${data.length} bytes is over the limit`) };
  }
  const bom = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
  const text = data.toString('utf8', bom);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const m = POSITION_RE.exec(message);
    const charPos = m ? Number(m[1]) : text.length;
    const offset = bom + Buffer.byteLength(text.slice(0, charPos), 'utf8');
    const rest = text.slice(charPos).trim();
    const cause = quoteForDiagnostic(message.replace(/ in JSON at position \d+.*$/, ''), 120);
    const truncated = /end of JSON input/.test(message) || rest.length === 0
      || (/^Unterminated string/.test(message) && isTruncatedString(text, charPos));
    if (truncated) {
      return { ok: false, diagnostic: diag('truncated', path, `truncated: JSON ends early at byte ${offset}: ${cause}`, { offset }) };
    }
    return { ok: false, diagnostic: diag('bad-record', path, `malformed JSON at byte ${offset}: ${cause}`, { offset }) };
  }
}

/** An unterminated string that runs to the end of the text: the document was cut off inside it. */
function isTruncatedString(text: string, pos: number): boolean {
  return text.indexOf('"', pos + 1) < 0;
}
