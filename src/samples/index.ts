/**
 * samples/: files as evidence — walking folders, expanding archives,
 * hashing, typing, PE facts (pe/), YARA scanning, and the observations a
 * file yields. Only walk.ts touches the file system, read-only.
 */
export { walkFiles, walkPaths, readRegularFileSync, type WalkOptions, type WalkedFile, type FoundFile } from './walk.js';
export { expandArchive, detectArchiveKind, DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits, type ArchiveEntry } from './archive.js';
export { hashBytes, type FileHashes } from './hash-bytes.js';
export { detectFileType, type FileType } from './file-type.js';
export { analyzeFile, FactsBudget, type SampleFacts, type AnalyzeOptions } from './analyze-file.js';
export {
  YaraScanner, MAX_OFFSETS_PER_STRING, MAX_ENGINE_MATCHES_PER_PATTERN, DEFAULT_SCAN_TIMEOUT_SECONDS,
  type YaraMatch, type YaraStringMatch, type YaraSource, type YaraScanOptions,
} from './yara-scanner.js';
export { fileObservations, baseNameOf } from './file-observations.js';
export type { PeFacts, PeListName } from './pe/types.js';
export { computeFactsCap, MAX_FACTS_BYTES_FLOOR, MAX_FACTS_BYTES_CEILING } from './pe/index.js';
