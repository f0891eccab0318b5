/**
 * Reads tar archives: 512-byte headers with checksum validation (POSIX
 * ustar, pax `x` headers for `path` and `size`, GNU `L` long names and
 * base-256 sizes). Members are views into the buffer, never copies.
 */
import { diag } from '../core/diagnostic.js';
import { checkMemberSize, type ArchiveContext, type ArchiveMember } from './archive-context.js';

const BLOCK = 512;
/** Largest pax extended header or GNU long-name member read. */
const MAX_META_BYTES = 1024 * 1024;
/** Longest member name kept. */
const MAX_NAME_CHARS = 4096;

/** Parses a numeric header field: octal text, or GNU base-256 when the first byte's high bit is set. */
function readTarNumber(block: Buffer, start: number, len: number): number {
  const first = block[start]!;
  if (first & 0x80) {
    // Base-256: big-endian, the flag bit stripped; a negative value (0xff lead) is invalid here.
    if (first === 0xff) return -1;
    let v = first & 0x7f;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + block[i]!;
    return v;
  }
  let v = 0;
  let i = start;
  const end = start + len;
  while (i < end && (block[i] === 0x20 || block[i] === 0)) i++;
  if (i === end) return 0;
  for (; i < end; i++) {
    const c = block[i]!;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) return -1;
    v = v * 8 + (c - 0x30);
  }
  return v;
}

/** A NUL-terminated string field. */
function readTarString(block: Buffer, start: number, len: number): string {
  let end = start;
  while (end < start + len && block[end] !== 0) end++;
  return block.toString('utf8', start, end);
}

/** True when the 512 bytes at `at` are a tar header with a valid checksum (what tar itself checks). */
export function isTarHeader(data: Buffer, at = 0): boolean {
  if (at + BLOCK > data.length) return false;
  const stored = readTarNumber(data, at + 148, 8);
  if (stored < 0) return false;
  let unsigned = 0;
  let signed = 0;
  let nonZero = false;
  for (let i = at; i < at + BLOCK; i++) {
    const b = i >= at + 148 && i < at + 156 ? 0x20 : data[i]!;
    if (data[i] !== 0) nonZero = true;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return nonZero && (stored === unsigned || stored === signed);
}

/** Parses pax extended-header records (`LEN key=value\n`) into a map. */
function parsePaxRecords(body: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    if (space < 0 || space - pos > 20) break;
    const len = Number(body.toString('latin1', pos, space));
    if (!Number.isInteger(len) || len <= space - pos || pos + len > body.length) break;
    const record = body.toString('utf8', space + 1, pos + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += len;
  }
  return out;
}

/** The regular files of a tar archive; folders, links and devices are passed over. */
export function* readTarMembers(data: Buffer, path: string, ctx: ArchiveContext): Generator<ArchiveMember> {
  let pos = 0;
  let longName: string | null = null;
  let pax: Map<string, string> | null = null;
  while (pos + BLOCK <= data.length && !ctx.stopped) {
    if (!isTarHeader(data, pos)) {
      if (data.subarray(pos, pos + BLOCK).every((b) => b === 0)) return; // end-of-archive blocks
      ctx.onDiagnostic(diag('bad-record', path, 'tar header checksum mismatch: the rest of the archive is not read', { offset: pos }));
      return;
    }
    const type = data[pos + 156]!;
    let size = readTarNumber(data, pos + 124, 12);
    const paxSize = pax?.get('size');
    if (paxSize !== undefined && /^\d{1,16}$/.test(paxSize)) size = Number(paxSize);
    if (size < 0) {
      ctx.onDiagnostic(diag('bad-record', path, 'tar header with an unreadable size: the rest of the archive is not read', { offset: pos }));
      return;
    }
    const start = pos + BLOCK;
    const end = start + size;
    const next = start + Math.ceil(size / BLOCK) * BLOCK;
    if (end > data.length) {
      ctx.onDiagnostic(diag('truncated', path, `tar member of ${size} bytes runs past the end of the archive`, { offset: pos }));
      return;
    }
    const body = data.subarray(start, end);
    if (type === 0x78 /* x */) {
      pax = size <= MAX_META_BYTES ? parsePaxRecords(body) : new Map();
    } else if (type === 0x4c /* L */) {
      longName = readTarString(body, 0, Math.min(size, MAX_META_BYTES));
    } else if (type === 0x67 /* g */ || type === 0x4b /* K */) {
      // A global pax header or a GNU long link name: nothing we need.
    } else {
      if (type === 0x30 || type === 0 || type === 0x37) {
        const name = (pax?.get('path') ?? longName ?? readHeaderName(data, pos)).slice(0, MAX_NAME_CHARS);
        const tooBig = checkMemberSize(ctx, size, size);
        if (tooBig) ctx.onDiagnostic(diag('too-large', `${path}!${name}`, tooBig));
        else yield { name, data: body };
      } else if (type === 0x53 /* S */) {
        ctx.onDiagnostic(diag('unsupported', path, 'GNU sparse tar member not supported', { offset: pos }));
      }
      longName = null;
      pax = null;
    }
    pos = next;
  }
}

/** The header's own name: ustar `prefix/name` when the magic says ustar. */
function readHeaderName(block: Buffer, at: number): string {
  const name = readTarString(block, at, 100);
  const isUstar = block.toString('latin1', at + 257, at + 263) === 'ustar\0';
  const prefix = isUstar ? readTarString(block, at + 345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}
