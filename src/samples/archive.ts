/**
 * Expands archives in memory (never to disk): zip, gzip and tar, nested up to
 * a depth, under ratio, size and member-count limits, so a zip bomb is a
 * diagnostic and not an outage.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { diag } from '../core/diagnostic.js';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveContext, type ArchiveLimits, type ArchiveMember } from './archive-context.js';
import { deriveGunzippedName, gunzipCapped, isGzip, readGzipName } from './gzip-reader.js';
import { isTarHeader, readTarMembers } from './tar-reader.js';
import { readZipMembers } from './zip-reader.js';

export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits };

/** One file found in an archive: `inside` is `a/b.exe`, or `inner.zip!x.dll` when nested. */
export interface ArchiveEntry {
  inside: string;
  data: Buffer;
}

/** Which archive format `data` is, by content; null when none we open. */
export function detectArchiveKind(data: Buffer): 'zip' | 'gzip' | 'tar' | null {
  if (data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b) {
    const sig = data.readUInt32LE(0);
    if (sig === 0x04034b50 || sig === 0x06054b50 || sig === 0x08074b50) return 'zip';
  }
  if (isGzip(data)) return 'gzip';
  if (isTarHeader(data, 0)) return 'tar';
  return null;
}

/**
 * Members of a zip (stored/deflate; ZipCrypto-encrypted ones tried with the
 * analysts' password `infected`), gzip, tar (ustar/pax/gnu), recursively up to
 * `limits.maxDepth` (a zip in a tar.gz). Yields {inside: 'a/b.exe' or nested
 * 'inner.zip!x.dll', data}; a nested archive is yielded itself and then its
 * members. A gzip around a tar is one level (`x.tar.gz` yields the tar's
 * members). A zip bomb (ratio/total over limits) → diagnostic, not followed.
 * Yields nothing when `data` is no archive. Never throws on hostile bytes.
 */
export function* expandArchive(
  data: Buffer,
  path: string,
  limits: ArchiveLimits,
  onDiagnostic: (d: Diagnostic) => void,
): Generator<ArchiveEntry> {
  const ctx: ArchiveContext = { limits, onDiagnostic, totalBytes: 0, members: 0, stopped: false };
  yield* expandLevel(data, path, '', 1, ctx);
}

/** Members of one archive level; `prefix` is the `outer!` chain, `depth` 1 for the top archive. */
function* expandLevel(data: Buffer, path: string, prefix: string, depth: number, ctx: ArchiveContext): Generator<ArchiveEntry> {
  const where = prefix ? `${path}!${prefix.slice(0, -1)}` : path;
  for (const member of readMembers(data, where, prefix, path, ctx)) {
    if (ctx.stopped) return;
    if (ctx.members >= ctx.limits.maxMembers) {
      ctx.stopped = true;
      ctx.onDiagnostic(diag('too-large', path, `archive holds more than ${ctx.limits.maxMembers} members: the rest is not expanded`));
      return;
    }
    ctx.members++;
    ctx.totalBytes += member.data.length;
    const inside = prefix + member.name;
    yield { inside, data: member.data };
    if (detectArchiveKind(member.data) === null) continue;
    if (depth >= ctx.limits.maxDepth) {
      ctx.onDiagnostic(diag('skipped', `${path}!${inside}`, `archive nested deeper than ${ctx.limits.maxDepth} levels: not expanded`));
      continue;
    }
    yield* expandLevel(member.data, path, `${inside}!`, depth + 1, ctx);
  }
}

/** The members of one archive, whatever its format; a gzip's content is one member, or its tar's members. */
function* readMembers(data: Buffer, where: string, prefix: string, path: string, ctx: ArchiveContext): Generator<ArchiveMember> {
  const kind = detectArchiveKind(data);
  if (kind === 'zip') yield* readZipMembers(data, where, ctx);
  else if (kind === 'tar') yield* readTarMembers(data, where, ctx);
  else if (kind === 'gzip') {
    const content = gunzipCapped(data, where, ctx);
    if (!content) return;
    if (isTarHeader(content, 0)) {
      yield* readTarMembers(content, where, ctx);
      return;
    }
    const container = prefix ? prefix.slice(0, -1) : path;
    yield { name: readGzipName(data) ?? deriveGunzippedName(container), data: content };
  }
}
