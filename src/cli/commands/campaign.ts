/** `sightline campaign list`, `campaign stats`, `campaign set`. */
import type { Command } from 'commander';
import { campaignStats } from '../../index.js';
import { EXIT_FATAL, formatTable, printJsonLine, safeText } from '../output.js';
import { withStore, type GlobalOptions } from '../context.js';
import { formatStatsText } from './stats-text.js';
import { campaignsAndEnricher, withEnrichFlags, type EnrichFlags } from './victims.js';

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

  withEnrichFlags(campaign.command('stats')
    .description("a campaign's numbers, as an APT report gives them: victims, countries, sectors, timeline, builds, authors' hours, overlap")
    .option('--campaign <name>', 'only this campaign (name or alias; default: every campaign of the case)')
    .option('--json', 'one JSON object per campaign, per line (docs/design.md, campaign statistics)'))
    .action(async (o: EnrichFlags & { campaign?: string; json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const measured = await campaignsAndEnricher(store, o);
        if (!measured) return;
        const { names, enricher } = measured;
        let first = true;
        for (const name of names) {
          const r = await campaignStats(store, name, { enricher });
          if (!r) continue;
          if (o.json) printJsonLine(r.stats);
          else {
            process.stdout.write((first ? '' : '\n') + formatStatsText(r.stats));
            first = false;
          }
        }
      }, { mustExist: true });
    });

  campaign.command('set')
    .description("set a campaign's properties")
    .argument('<name>', 'the campaign (name or alias)')
    .option('--host-id-param <names>', "URL parameters carrying the implant's own host id, comma-separated (hostid is always recognised); set before hunting")
    .action(async (name: string, o: { hostIdParam?: string }) => {
      if (o.hostIdParam === undefined) {
        process.stderr.write('sightline: campaign set: nothing to set (--host-id-param)\n');
        process.exitCode = EXIT_FATAL;
        return;
      }
      const params = o.hostIdParam.split(',');
      if (params.some((p) => !/^[A-Za-z0-9_.\-\[\]]{1,64}$/.test(p.trim()))) {
        process.stderr.write('sightline: --host-id-param takes URL parameter names (letters, digits, _ . - [ ]), comma-separated\n');
        process.exitCode = EXIT_FATAL;
        return;
      }
      await withStore(globals(), async (store) => {
        await store.setHostIdParams(name, params);
        process.stderr.write(`${safeText(name)}: host id parameters: ${(await store.hostIdParams()).join(', ')}\n`);
      }, { mustExist: true });
    });
}
