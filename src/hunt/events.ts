/**
 * What a long job (a hunt, an intel import) tells its caller while it runs.
 * The library only reports; drawing a progress bar is the CLI's business.
 */

/** Progress of a job over a known number of input bytes. */
export interface ProgressListener {
  /** Called once, before any advance: the bytes the job will read and what it counts (`sightings`, `indicators`). */
  start(totalBytes: number, countLabel: string): void;
  /** Bytes of input done, and items counted, since the last call. */
  advance(bytes: number, items?: number): void;
  /** Called once when the job ends, however it ends. */
  finish(): void;
}

/** A listener that ignores everything. */
export const NO_PROGRESS: ProgressListener = { start() {}, advance() {}, finish() {} };
