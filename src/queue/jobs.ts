/** `sightline jobs`: the hunts submitted to a queue, and the states of their jobs. */
import { HUNT_QUEUE, QUEUE_SCHEMA, openQueue } from './queue.js';

/** A hunt on the queue as `jobs --json` prints it (docs/design.md, JSON contracts). */
export interface QueuedHunt {
  id: string;
  /** `queued` (no job taken yet, or only retries waiting), `active` (some job under way), `completed`, or `failed` (every job ended, some failed for good). */
  state: 'queued' | 'active' | 'completed' | 'failed';
  case: string;
  paths: string[];
  files: number;
  bytes: number;
  /** ISO 8601 UTC. */
  submittedAt: string;
  /** When its submitter saw the last job end (null: not seen, the submitter still waiting or gone). */
  finishedAt: string | null;
  /** Jobs by state; `retried` counts the retries made (a job taken again after its worker failed it or its lease ran out). */
  jobs: { total: number; queued: number; active: number; completed: number; failed: number; retried: number };
}

/** Every hunt the queue knows, newest first. */
export async function listQueuedHunts(url: string): Promise<QueuedHunt[]> {
  const q = await openQueue(url);
  try {
    const { rows } = await q.db.query<{
      id: string; case_location: string; paths: string[]; files: number; total_bytes: string; submitted_at: Date; finished_at: Date | null;
      jobs: number; queued: string; active: string; completed: string; failed: string; retried: string | null;
    }>(`WITH j AS (
        SELECT (data->'hunt'->>'id')::uuid AS hunt, state, retry_count FROM sightline_boss.job WHERE name = $1
        UNION ALL SELECT (data->'hunt'->>'id')::uuid, state, retry_count FROM sightline_boss.archive WHERE name = $1)
      SELECT h.id, h.case_location, h.paths, h.files, h.total_bytes, h.submitted_at, h.finished_at, h.jobs,
        count(*) FILTER (WHERE j.state IN ('created', 'retry')) AS queued,
        count(*) FILTER (WHERE j.state = 'active') AS active,
        count(*) FILTER (WHERE j.state = 'completed') AS completed,
        count(*) FILTER (WHERE j.state IN ('failed', 'cancelled')) AS failed,
        sum(j.retry_count) AS retried
      FROM ${QUEUE_SCHEMA}.hunt h LEFT JOIN j ON j.hunt = h.id
      GROUP BY h.id ORDER BY h.submitted_at DESC, h.id`, [HUNT_QUEUE]);
    return rows.map((r) => {
      const jobs = {
        total: Number(r.jobs), queued: Number(r.queued), active: Number(r.active), completed: Number(r.completed), failed: Number(r.failed),
        retried: Number(r.retried ?? 0),
      };
      const state = jobs.active > 0 ? 'active' : jobs.queued > 0 ? 'queued' : jobs.failed > 0 ? 'failed' : 'completed';
      return {
        id: r.id, state, case: r.case_location, paths: r.paths, files: Number(r.files), bytes: Number(r.total_bytes),
        submittedAt: r.submitted_at.toISOString(), finishedAt: r.finished_at ? r.finished_at.toISOString() : null, jobs,
      };
    });
  } finally {
    await q.close();
  }
}
