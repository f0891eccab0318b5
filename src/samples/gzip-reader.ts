/**
 * Reads gzip (RFC 1952): the original file name from the header, the content
 * through zlib with an output cap, so a gzip bomb stops at the cap.
 */
import zlib from 'node:zlib';
import { diag, quoteForDiagnostic } from '../core/diagnostic.js';
import { isBombRatio, remainingBudget, type ArchiveContext } from './archive-context.js';

/** Longest FNAME kept from a gzip header. */
const MAX_GZIP_NAME_BYTES = 1024;
const FEXTRA = 4;
const FNAME = 8;

/** True when `data` starts like a deflate gzip member. */
export function isGzip(data: Buffer): boolean {
  return data.length >= 18 && data[0] === 0x1f && data[1] === 0x8b && data[2] === 8;
}

/** The FNAME field of a gzip header, or null when absent or unreadable. */
export function readGzipName(data: Buffer): string | null {
  const flags = data[3] ?? 0;
  if (!(flags & FNAME)) return null;
  let pos = 10;
  if (flags & FEXTRA) {
    if (pos + 2 > data.length) return null;
    pos += 2 + data.readUInt16LE(pos);
  }
  if (pos >= data.length) return null;
  const end = data.indexOf(0, pos);
  if (end < 0 || end - pos > MAX_GZIP_NAME_BYTES) return null;
  const name = data.toString('latin1', pos, end);
  // A name is a base name (RFC 1952 2.3.1): drop any folder a hostile header put in.
  return name.replace(/^.*[/\\]/, '') || null;
}

/** The name for a gzip's content with no FNAME: the container's name less `.gz` (`.tgz` becomes `.tar`). */
export function deriveGunzippedName(containerName: string): string {
  const base = containerName.replace(/^.*[/\\!]/, '');
  if (/\.tgz$/i.test(base)) return base.slice(0, -4) + '.tar';
  if (/\.gz$/i.test(base)) return base.slice(0, -3);
  return base + '.out';
}

/** The decompressed content, capped by the member, total and ratio limits; null (reported) when over one or corrupt. */
export function gunzipCapped(data: Buffer, where: string, ctx: ArchiveContext): Buffer | null {
  const budget = remainingBudget(ctx);
  const ratioCap = Math.max(data.length * ctx.limits.maxRatio, 1024 * 1024);
  const cap = Math.max(1, Math.min(budget, ratioCap));
  try {
    return zlib.gunzipSync(data, { maxOutputLength: cap });
  } catch (err) {
    if (err instanceof RangeError) {
      let reason: string;
      if (cap === ratioCap && isBombRatio(data.length, cap + 1, ctx.limits.maxRatio)) {
        reason = `gzip expands more than ${ctx.limits.maxRatio}:1 (gzip bomb?): not expanded`;
      } else if (budget < ctx.limits.maxMemberSize) {
        ctx.stopped = true;
        reason = `archive expands past the limit of ${ctx.limits.maxTotalBytes} bytes in all (zip bomb?): the rest is not expanded`;
      } else {
        reason = `gzip content over the limit of ${ctx.limits.maxMemberSize} bytes: not expanded`;
      }
      ctx.onDiagnostic(diag('too-large', where, reason));
    } else {
      ctx.onDiagnostic(diag('bad-record', where, `gzip data corrupt (${quoteForDiagnostic(String((err as Error).message))})`));
    }
    return null;
  }
}
