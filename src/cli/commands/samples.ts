/** `sightline samples`: the files the case has scanned, with their facts. */
import type { Command } from 'commander';
import { formatTable, printJsonLine, safeText } from '../output.js';
import { withStore, type GlobalOptions } from '../context.js';

export function registerSamples(program: Command, globals: () => GlobalOptions): void {
  program.command('samples')
    .description('list the samples (scanned files and archive members) in the case')
    .option('--campaign <name>', 'only samples in which this campaign was sighted')
    .option('--json', 'one JSON object per line')
    .action(async (o: { campaign?: string; json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const rows: string[][] = [];
        for await (const s of store.listSamples(o.campaign !== undefined ? { campaign: o.campaign } : {})) {
          if (o.json) { printJsonLine(s); continue; }
          const pe = s.pe as { timestamp?: string | null; machine?: string } | null;
          rows.push([s.sha256, s.type, String(s.size), pe ? `${pe.machine ?? '?'} ${pe.timestamp ?? '-'}` : '',
            s.campaigns.map(safeText).join(', '), s.yara.map(safeText).join(', '), s.paths.map(safeText).join(', ')]);
        }
        if (!o.json) process.stdout.write(formatTable(['SHA256', 'TYPE', 'SIZE', 'PE', 'CAMPAIGNS', 'YARA', 'PATHS'], rows));
      }, { mustExist: true });
    });
}
