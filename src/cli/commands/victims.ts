/** `sightline victims` and `sightline assets import`. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { campaignsToMeasure, campaignStats, csvField, openCaseEnricher, parseAssetCsv, type Enricher, type Store, type Victim } from '../../index.js';
import { DiagnosticPrinter, EXIT_FATAL, EXIT_SKIPPED, printJsonLine } from '../output.js';
import { withStore, type GlobalOptions } from '../context.js';
import { formatVictimsTable } from './stats-text.js';

export interface EnrichFlags { geoip?: string; sectors?: string }

export function withEnrichFlags(c: Command): Command {
  return c
    .option('--geoip <file.mmdb>', 'a newer geolocation database of your own (GeoLite2/GeoIP2 Country or ip-location-db layout)')
    .option('--sectors <file.json>', 'extra sector rules, ahead of the shipped ones (data/sectors.json shape)');
}

export function enrichOptions(o: EnrichFlags): { geoipFile?: string; sectorsFile?: string } {
  return { ...(o.geoip !== undefined ? { geoipFile: o.geoip } : {}), ...(o.sectors !== undefined ? { sectorsFile: o.sectors } : {}) };
}

/** The campaigns a command measures (--campaign, else all) and the case's enricher; null (exit 1, said why) for an unknown campaign. */
export async function campaignsAndEnricher(store: Store, o: EnrichFlags & { campaign?: string }): Promise<{ names: string[]; enricher: Enricher } | null> {
  const names = await campaignsToMeasure(store, o.campaign);
  if (o.campaign !== undefined && names.length === 0) {
    process.stderr.write(`sightline: no campaign named ${JSON.stringify(o.campaign)} in the case\n`);
    process.exitCode = EXIT_FATAL;
    return null;
  }
  return { names, enricher: await openCaseEnricher(store, enrichOptions(o)) };
}

const VICTIM_CSV = ['campaign', 'src', 'host_ids', 'country', 'country_name', 'asn', 'organisation', 'sector', 'enriched_by', 'first_seen',
  'last_seen', 'sightings', 'indicators'];

export function registerVictims(program: Command, globals: () => GlobalOptions): void {
  withEnrichFlags(program.command('victims')
    .description("the victims behind a campaign's counts: distinct source hosts, with country, organisation and sector")
    .option('--campaign <name>', 'only this campaign (name or alias)')
    .option('--country <CC>', 'only victims in this country (ISO 3166 code; ZZ: unknown)')
    .option('--sector <sector>', 'only victims in this sector')
    .option('--json', 'one JSON object per line')
    .option('--csv', 'CSV with a header row'))
    .action(async (o: EnrichFlags & { campaign?: string; country?: string; sector?: string; json?: boolean; csv?: boolean }) => {
      if (o.json && o.csv) {
        process.stderr.write('sightline: choose one of --json and --csv\n');
        process.exitCode = EXIT_FATAL;
        return;
      }
      await withStore(globals(), async (store) => {
        const measured = await campaignsAndEnricher(store, o);
        if (!measured) return;
        const { names, enricher } = measured;
        const country = o.country?.toUpperCase();
        const sector = o.sector?.toLowerCase();
        const rows: (Victim & { campaign: string })[] = [];
        for (const name of names) {
          const r = await campaignStats(store, name, { enricher, victims: true });
          if (!r) continue;
          for (const v of r.victims) {
            if (country !== undefined && (v.country ?? 'ZZ') !== country) continue;
            if (sector !== undefined && v.sector !== sector) continue;
            rows.push({ campaign: r.stats.campaign, ...v });
          }
        }
        if (o.json) for (const v of rows) printJsonLine(v);
        else if (o.csv) {
          process.stdout.write(VICTIM_CSV.join(',') + '\n');
          for (const v of rows) {
            process.stdout.write([v.campaign, v.src, v.hostIds.join(';'), v.country, v.countryName, v.asn, v.organisation, v.sector,
              v.enrichedBy, v.firstSeen, v.lastSeen, v.sightings, v.indicators.join(';')].map(csvField).join(',') + '\n');
          }
        } else process.stdout.write(formatVictimsTable(rows, names.length > 1));
      }, { mustExist: true });
    });

  const assets = program.command('assets').description("the case's asset directory: who owns an address, network or host");
  assets.command('import')
    .description('add a CSV with the header address,organisation,sector,country (an address, CIDR or host name per row)')
    .argument('<file.csv>')
    .action(async (file: string) => {
      const printer = new DiagnosticPrinter();
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        process.stderr.write(`sightline: ${file}: ${(e as Error).message}\n`);
        process.exitCode = EXIT_FATAL;
        return;
      }
      const { assets: rows, diagnostics } = parseAssetCsv(text, file);
      for (const d of diagnostics) printer.report(d);
      await withStore(globals(), async (store) => {
        const { added, replaced } = await store.addAssets(rows);
        process.stderr.write(`${file}: ${added} asset(s) added, ${replaced} replaced${diagnostics.length ? `, ${diagnostics.length} row(s) skipped` : ''}\n`);
      });
      if (diagnostics.length) process.exitCode = EXIT_SKIPPED;
    });
}
