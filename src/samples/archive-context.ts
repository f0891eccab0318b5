/**
 * What the archive readers (zip, tar, gzip) share while one archive is
 * expanded: the limits, the running totals and the diagnostic sink.
 */
import { constants as bufferConstants } from 'node:buffer';
import type { Diagnostic } from '../core/diagnostic.js';

/** Limits on expanding archives; a zip bomb trips `maxRatio` or `maxTotalBytes`. */
export interface ArchiveLimits {
  /** Archives nested deeper than this are not opened (a zip in a tar.gz is depth 2). */
  maxDepth: number;
  /** Largest uncompressed/compressed ratio of one member, once it is over RATIO_FLOOR_BYTES. */
  maxRatio: number;
  /** Most bytes yielded by one top-level archive, all members and nesting levels together. */
  maxTotalBytes: number;
  /** Most members yielded by one top-level archive, all nesting levels together. */
  maxMembers: number;
  /** Largest single member, uncompressed. */
  maxMemberSize: number;
  /**
   * Most bytes of PE facts (as JSON) one top-level file and its members may add to the
   * case, all together (a FactsBudget, see analyze-file.ts): a small zip of hostile PEs
   * must not grow the case by hundreds of MB. Past it, members' PE lists are cut.
   */
  maxFactsBytes: number;
}

/** Default limits: 3 levels, ratio 100, 1 GiB in all, 10,000 members, 256 MiB per member, 64 MiB of PE facts. */
export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxDepth: 3,
  maxRatio: 100,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxMembers: 10000,
  maxMemberSize: 256 * 1024 * 1024,
  maxFactsBytes: 64 * 1024 * 1024,
});

/** Below this many uncompressed bytes a member is never called a bomb: small runs of zeros compress 1000:1 legitimately. */
export const RATIO_FLOOR_BYTES = 1024 * 1024;

/** The password malware repositories and analysts put on sample zips. */
export const ANALYST_ZIP_PASSWORD = 'infected';

/** Running state of one top-level expansion. */
export interface ArchiveContext {
  limits: ArchiveLimits;
  onDiagnostic: (d: Diagnostic) => void;
  /** Bytes yielded so far. */
  totalBytes: number;
  /** Members yielded so far. */
  members: number;
  /** Set once a total limit is hit: nothing more is read. */
  stopped: boolean;
}

/** One file found inside an archive (`name` relative to that archive). */
export interface ArchiveMember {
  name: string;
  data: Buffer;
}

/** Bytes a member may still expand to: the smaller of the member cap and what is left of the total (and never past Node's largest Buffer). */
export function remainingBudget(ctx: ArchiveContext): number {
  return Math.max(0, Math.min(ctx.limits.maxMemberSize, ctx.limits.maxTotalBytes - ctx.totalBytes, bufferConstants.MAX_LENGTH));
}

/** True when `uncompressed` bytes from `compressed` bytes is a bomb's ratio. */
export function isBombRatio(compressed: number, uncompressed: number, maxRatio: number): boolean {
  return uncompressed > RATIO_FLOOR_BYTES && uncompressed > Math.max(compressed, 1) * maxRatio;
}

/**
 * Checks a member's (declared or actual) size against the limits before it
 * is expanded. Returns null when it may be expanded, otherwise the reason;
 * a total-limit hit also stops the whole expansion.
 */
export function checkMemberSize(ctx: ArchiveContext, compressed: number, uncompressed: number): string | null {
  const { limits } = ctx;
  if (isBombRatio(compressed, uncompressed, limits.maxRatio)) {
    return `compression ratio ${Math.round(uncompressed / Math.max(compressed, 1))}:1 over the limit ${limits.maxRatio}:1 (zip bomb?): not expanded`;
  }
  if (uncompressed > limits.maxMemberSize) {
    return `member of ${uncompressed} bytes over the limit of ${limits.maxMemberSize}: not expanded`;
  }
  if (ctx.totalBytes + uncompressed > limits.maxTotalBytes) {
    ctx.stopped = true;
    return `archive expands past the limit of ${limits.maxTotalBytes} bytes in all (zip bomb?): the rest is not expanded`;
  }
  return null;
}
