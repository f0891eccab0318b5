/** `sightline report`: the campaign's report, written to a folder. */
import type { Command } from 'commander';
import { loadPublished, reportInputFromCase, TLP_LEVELS, writeReport, type PublishedFigures, type Tlp } from '../../index.js';
import { DiagnosticPrinter, EXIT_FATAL, safeText } from '../output.js';
import { withStore, type GlobalOptions } from '../context.js';
import { enrichOptions, withEnrichFlags, type EnrichFlags } from './victims.js';

interface ReportFlags extends EnrichFlags {
  campaign?: string;
  out: string;
  tlp: string;
  published?: string;
  generatedAt?: string;
  pdf: boolean;
  chromium?: string;
  team?: string;
}

export function registerReport(program: Command, globals: () => GlobalOptions): void {
  withEnrichFlags(program.command('report')
    .description("write a campaign's report: index.html (self-contained), report.pdf, report.json, bundle.stix.json and CSV tables")
    .option('--campaign <name>', 'the campaign (name or alias; default: the case\'s campaign with the most sightings)')
    .requiredOption('--out <dir>', 'the folder to write to')
    .option('--tlp <level>', `the TLP 2.0 marking: ${TLP_LEVELS.join(', ')}`, 'clear')
    .option('--published <file.json>', "a vendor report's headline figures, set beside the rebuilt ones")
    .option('--generated-at <time>', 'the report\'s time (ISO 8601): fixed, the same case gives byte-identical files')
    .option('--no-pdf', 'do not print report.pdf')
    .option('--chromium <path>', 'the Chromium that prints the PDF (default $SIGHTLINE_CHROMIUM, else /usr/bin/chromium)')
    .option('--team <name>', 'the reporting team, named in the STIX bundle'))
    .action(async (o: ReportFlags) => {
      const tlp = o.tlp.toLowerCase();
      if (!(TLP_LEVELS as readonly string[]).includes(tlp)) {
        process.stderr.write(`sightline: --tlp takes one of ${TLP_LEVELS.join(', ')}\n`);
        process.exitCode = EXIT_FATAL;
        return;
      }
      if (o.generatedAt !== undefined && Number.isNaN(Date.parse(o.generatedAt))) {
        process.stderr.write('sightline: --generated-at takes an ISO 8601 time\n');
        process.exitCode = EXIT_FATAL;
        return;
      }
      let published: PublishedFigures | undefined;
      if (o.published !== undefined) {
        const p = await loadPublished(o.published);
        if ('diagnostic' in p) {
          new DiagnosticPrinter().report(p.diagnostic);
          process.exitCode = EXIT_FATAL;
          return;
        }
        published = p.published;
      }
      await withStore(globals(), async (store) => {
        let campaign = o.campaign;
        if (campaign === undefined) {
          let best: { name: string; n: number } | null = null;
          for (const c of await store.listCampaigns()) {
            const a = await store.campaignActivity(c.name);
            const n = a ? a.sightings : 0;
            if (best === null || n > best.n) best = { name: c.name, n };
          }
          if (best === null) {
            process.stderr.write('sightline: the case holds no campaign: import intel first\n');
            process.exitCode = EXIT_FATAL;
            return;
          }
          campaign = best.name;
          process.stderr.write(`report: campaign ${safeText(campaign)} (the most sighted; choose with --campaign)\n`);
        }
        const input = await reportInputFromCase(store, campaign, {
          ...enrichOptions(o), tlp: tlp as Tlp,
          ...(o.generatedAt !== undefined ? { generatedAt: new Date(Date.parse(o.generatedAt)).toISOString() } : {}),
          ...(published ? { published } : {}),
          ...(o.team !== undefined ? { team: { name: o.team } } : {}),
        });
        if (input === null) {
          process.stderr.write(`sightline: no campaign named ${JSON.stringify(campaign)} in the case\n`);
          process.exitCode = EXIT_FATAL;
          return;
        }
        const out = await writeReport(input, o.out, { pdf: o.pdf, ...(o.chromium !== undefined ? { chromium: o.chromium } : {}) });
        for (const n of out.notes) process.stderr.write(`report: ${safeText(n)}\n`);
        if (!out.pdf.written && o.pdf) process.stderr.write(`report: no PDF: ${safeText(out.pdf.reason)}\n`);
        process.stderr.write(`report: wrote ${out.files.length} file(s) to ${safeText(out.outDir)} (index.html ${(out.htmlBytes / 1e6).toFixed(1)} MB)\n`);
      }, { mustExist: true });
    });
}
