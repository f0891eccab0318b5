/** `sightline sightings`: what the case holds. */
import type { Command } from 'commander';
import { SIGHTING_CSV_COLUMNS, sightingCsvRow } from '../../index.js';
import { ChunkedStdout, EXIT_FATAL } from '../output.js';
import { withStore, type GlobalOptions } from '../context.js';
import { formatSightingText } from './hunt.js';


/** Parses --since/--until: ISO 8601 or a date (UTC). */
function parseTime(flag: string, v: string | undefined): number | undefined | null {
  if (v === undefined) return undefined;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(t)) {
    process.stderr.write(`sightline: ${flag} takes an ISO 8601 time or date, not ${JSON.stringify(v)}\n`);
    return null;
  }
  return t;
}

export function registerSightings(program: Command, globals: () => GlobalOptions): void {
  program.command('sightings')
    .description('list the sightings stored in the case')
    .option('--campaign <name>', 'only this campaign (name or alias)')
    .option('--since <time>', 'only sightings at or after this time (ISO 8601, UTC)')
    .option('--until <time>', 'only sightings at or before this time')
    .option('--src <host>', 'only sightings whose source is this host')
    .option('--json', 'one JSON object per line')
    .option('--csv', 'CSV with a header row')
    .action(async (o: { campaign?: string; since?: string; until?: string; src?: string; json?: boolean; csv?: boolean }) => {
      const since = parseTime('--since', o.since);
      const until = parseTime('--until', o.until);
      if (since === null || until === null || (o.json && o.csv)) {
        if (o.json && o.csv) process.stderr.write('sightline: choose one of --json and --csv\n');
        process.exitCode = EXIT_FATAL;
        return;
      }
      await withStore(globals(), async (store) => {
        const out = new ChunkedStdout();
        if (o.csv) out.line(SIGHTING_CSV_COLUMNS.join(',') + '\n');
        for await (const s of store.listSightings({
          ...(o.campaign !== undefined ? { campaign: o.campaign } : {}),
          ...(since !== undefined ? { since } : {}),
          ...(until !== undefined ? { until } : {}),
          ...(o.src !== undefined ? { src: o.src } : {}),
        })) {
          if (o.json) out.line(JSON.stringify(s) + '\n');
          else if (o.csv) out.line(sightingCsvRow(s) + '\n');
          else out.line(formatSightingText(s) + '\n');
        }
        out.flush();
      }, { mustExist: true });
    });
}
