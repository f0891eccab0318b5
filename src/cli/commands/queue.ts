/** `sightline worker` and `sightline jobs`: the workers of hunts submitted with `hunt --queue`, and the queue's hunts. */
import type { Command } from 'commander';
import { listQueuedHunts, runWorker, type QueuedHunt } from '../../index.js';
import { ChunkedStdout, EXIT_FATAL, safeText } from '../output.js';

/** The queue's URL (`--queue`, else $SIGHTLINE_QUEUE), or null after saying it is missing. */
function queueUrl(o: { queue?: string }): string | null {
  const url = o.queue ?? process.env['SIGHTLINE_QUEUE'];
  if (url === undefined || url === '') {
    process.stderr.write('sightline: name the job queue: --queue postgres://… (or $SIGHTLINE_QUEUE)\n');
    process.exitCode = EXIT_FATAL;
    return null;
  }
  return url;
}

function jobsLine(h: QueuedHunt): string {
  const j = h.jobs;
  return `${h.id}  ${h.state.padEnd(9)}  ${String(j.total).padStart(5)} jobs: ${j.queued} queued, ${j.active} active, ${j.completed} completed, ` +
    `${j.failed} failed${j.retried ? ` (${j.retried} retried)` : ''}  ${h.files} file(s)  ${h.submittedAt}  ${safeText(h.case)}\n`;
}

export function registerQueue(program: Command): void {
  program.command('worker')
    .description('take hunt jobs from the queue (hunt --queue) and hunt them into their case, until interrupted')
    .option('--queue <url>', 'the PostgreSQL job queue (default $SIGHTLINE_QUEUE)')
    .option('--concurrency <n>', 'jobs at once (default 1; run one worker per core, or give the cores here)', '1')
    .action(async (o: { queue?: string; concurrency: string }) => {
      const url = queueUrl(o);
      if (url === null) return;
      const concurrency = Number(o.concurrency);
      if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) {
        process.stderr.write('sightline: --concurrency takes a whole number from 1 to 64\n');
        process.exitCode = EXIT_FATAL;
        return;
      }
      // The first SIGINT or SIGTERM stops taking jobs and finishes those under way; a second one ends the process.
      const stop = new AbortController();
      const onSignal = () => {
        if (stop.signal.aborted) process.exit(EXIT_FATAL);
        process.stderr.write('worker: stopping after the jobs under way (again to stop now)\n');
        stop.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      process.stderr.write(`worker: pid ${process.pid} taking jobs\n`);
      await runWorker(url, {
        concurrency, signal: stop.signal,
        onJob: (e) => {
          process.stderr.write(`worker: job ${e.id} ${e.state}: ${safeText(e.what)}${e.message !== undefined ? `: ${safeText(e.message)}` : ''}\n`);
        },
      });
    });

  program.command('jobs')
    .description('the hunts submitted to the queue, newest first, with their jobs by state')
    .option('--queue <url>', 'the PostgreSQL job queue (default $SIGHTLINE_QUEUE)')
    .option('--json', 'one JSON object per hunt')
    .action(async (o: { queue?: string; json?: boolean }) => {
      const url = queueUrl(o);
      if (url === null) return;
      const out = new ChunkedStdout();
      for (const h of await listQueuedHunts(url)) out.line(o.json ? JSON.stringify(h) + '\n' : jobsLine(h));
      out.flush();
    });
}
