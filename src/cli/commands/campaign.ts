/** `sightline campaign list`. */
import type { Command } from 'commander';
import { formatTable, printJsonLine, safeText } from '../output.js';
import { withStore, type GlobalOptions } from '../context.js';

export function registerCampaign(program: Command, globals: () => GlobalOptions): void {
  const campaign = program.command('campaign').description("the case's campaigns");
  campaign.command('list')
    .description('campaigns with their aliases and indicator counts by type')
    .option('--json', 'one JSON object per line')
    .action(async (o: { json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const list = await store.listCampaigns();
        if (o.json) {
          for (const c of list) printJsonLine(c);
          return;
        }
        process.stdout.write(formatTable(['CAMPAIGN', 'ALIASES', 'INDICATORS', 'BY TYPE'], list.map((c) => [
          safeText(c.name), c.aliases.map(safeText).join(', '), String(c.indicators),
          Object.entries(c.byType).map(([t, n]) => `${t} ${n}`).join(', '),
        ])));
      }, { mustExist: true });
    });
}
