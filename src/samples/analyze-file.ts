/**
 * Every fact about one file that needs no rules: hashes, size, type, and the
 * PE facts when it is a PE, bounded in size (pe/bound-facts.ts) and, for the
 * members of one archive together, by a FactsBudget.
 */
import { diag, type Diagnostic } from '../core/diagnostic.js';
import { detectFileType, type FileType } from './file-type.js';
import { hashBytes } from './hash-bytes.js';
import { boundPeFacts, computeFactsCap, parsePe } from './pe/index.js';
import type { PeFacts } from './pe/types.js';

/** An analysed file (docs/design.md's sample line, less paths, campaigns and YARA hits). */
export interface SampleFacts {
  md5: string;
  sha1: string;
  sha256: string;
  size: number;
  type: FileType;
  /** The PE parser's facts when `type` is 'pe' and it could read them, else null; lists cut short say so in `pe.truncated`. */
  pe: PeFacts | null;
  /** UTF-8 bytes of `pe` as JSON (0 when null): what the facts add to the case. */
  factsBytes: number;
  /** `pe` as the JSON the case stores (serialised once, where it was bounded), or null. */
  factsJson: string | null;
}

/**
 * PE facts bytes that one top-level file and its archive members may add in all
 * (ArchiveLimits.maxFactsBytes). Once spent, later members keep their header facts
 * and hashes, their lists are cut (each says so in `pe.truncated`), and one
 * 'too-large' diagnostic names the file.
 */
export class FactsBudget {
  /** Bytes charged so far. */
  used = 0;
  private reported = false;

  constructor(
    readonly maxBytes: number,
    private readonly path: string,
    private readonly onDiagnostic: (d: Diagnostic) => void,
  ) {}

  /** Bytes the next sample's facts may still take. */
  remaining(): number {
    return Math.max(0, this.maxBytes - this.used);
  }

  /** Counts one sample's facts; `cutByBudget` when the budget, not the file's own cap, cut them. */
  charge(bytes: number, cutByBudget: boolean, member: string | undefined): void {
    this.used += bytes;
    if (!cutByBudget || this.reported) return;
    this.reported = true;
    const from = member === undefined ? '' : ` from ${member} on`;
    this.onDiagnostic(diag('too-large', this.path,
      `PE facts of this file and its members pass the limit of ${this.maxBytes} bytes in all: their lists are cut${from} (see pe.truncated)`));
  }
}

/** Options of analyzeFile. */
export interface AnalyzeOptions {
  /** Shared by a top-level file and its archive members: their PE facts together stay within it. */
  budget?: FactsBudget;
  /** The member's path inside the archive, for the budget's diagnostic. */
  inside?: string;
}

/** Every fact about one file: hashes, size, type, pe facts when PE (size-bounded). Never throws on hostile bytes. */
export function analyzeFile(data: Buffer, opts: AnalyzeOptions = {}): SampleFacts {
  const { md5, sha1, sha256 } = hashBytes(data);
  const type = detectFileType(data);
  let pe: PeFacts | null = null;
  let factsBytes = 0;
  let factsJson: string | null = null;
  if (type === 'pe') {
    try {
      pe = parsePe(data);
    } catch {
      // parsePe promises never to throw; should it, the file is still hashed and typed.
      pe = null;
    }
  }
  if (pe !== null) {
    const own = computeFactsCap(data.length);
    const cap = opts.budget === undefined ? own : Math.min(own, opts.budget.remaining());
    const bounded = boundPeFacts(pe, cap);
    factsBytes = bounded.bytes;
    factsJson = bounded.json;
    opts.budget?.charge(factsBytes, bounded.cut && cap < own, opts.inside);
  }
  return { md5, sha1, sha256, size: data.length, type, pe, factsBytes, factsJson };
}
