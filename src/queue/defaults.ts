/** The queue's defaults that the CLI shows without loading pg-boss. */

/** A job's lease: a worker that has not finished a job this long after taking it is taken for dead, and the job is retried elsewhere. */
export const DEFAULT_LEASE_SECONDS = 15 * 60;
