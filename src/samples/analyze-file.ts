/**
 * Every fact about one file that needs no rules: hashes, size, type, and the
 * PE facts when it is a PE.
 */
import { detectFileType, type FileType } from './file-type.js';
import { hashBytes } from './hash-bytes.js';
import { parsePe } from './pe/index.js';
import type { PeFacts } from './pe/types.js';

/** An analysed file (DESIGN.md's sample line, less paths, campaigns and YARA hits). */
export interface SampleFacts {
  md5: string;
  sha1: string;
  sha256: string;
  size: number;
  type: FileType;
  /** The PE parser's facts when `type` is 'pe' and it could read them, else null. */
  pe: PeFacts | null;
}

/** Every fact about one file: hashes, size, type, pe facts when PE. Never throws on hostile bytes. */
export function analyzeFile(data: Buffer): SampleFacts {
  const { md5, sha1, sha256 } = hashBytes(data);
  const type = detectFileType(data);
  let pe: PeFacts | null = null;
  if (type === 'pe') {
    try {
      pe = parsePe(data);
    } catch {
      // parsePe promises never to throw; should it, the file is still hashed and typed.
      pe = null;
    }
  }
  return { md5, sha1, sha256, size: data.length, type, pe };
}
