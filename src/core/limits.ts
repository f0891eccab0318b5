/** Limits shared across layers. A reader's own limits sit at the top of its file. */

/** Longest text line a reader accepts; longer lines become a diagnostic. */
export const MAX_LINE_BYTES = 1024 * 1024;
/** Longest indicator value accepted on import. */
export const MAX_INDICATOR_LENGTH = 4096;
/** Largest single JSON intel document read whole (STIX bundle, MISP export). */
export const MAX_JSON_INTEL_BYTES = 2 * 1024 * 1024 * 1024 - 1;
/** Default per-file size cap when scanning files. */
export const DEFAULT_MAX_FILE_SIZE = 256 * 1024 * 1024;
/** Rows per transaction batch when writing to a store. */
export const STORE_BATCH_ROWS = 50_000;
