/** `sightline intel import` and `sightline intel list`. */
import type { Command } from 'commander';
import { importIntel, isIndicatorType, INTEL_FORMATS, loadWarninglists, previewReports, type IntelFormat, type ReportPreview } from '../../index.js';
import { DiagnosticPrinter, EXIT_FATAL, formatTable, printJsonLine, safeText } from '../output.js';
import { withStore, type GlobalOptions } from '../context.js';
import { Progress } from '../progress.js';
import { registerIntelPull } from './intel-pull.js';

export function registerIntel(program: Command, globals: () => GlobalOptions): void {
  const intel = program.command('intel').description("import and list a case's indicators");

  intel.command('import')
    .description("import indicators from STIX 2.x bundles, MISP events and feed directories, IOC lists, YARA rule files, abuse.ch and OTX feeds, and reports' text (PDF, HTML, text: --format report)")
    .argument('<paths...>', 'files or directories')
    .option('--campaign <name>', 'the campaign every indicator belongs to (overrides what the source names)')
    .option('--format <format>', `auto|${INTEL_FORMATS.join('|')}`, 'auto')
    .option('--min-confidence <n>', "drop indicators whose source's confidence (0-100) is below N; those with none are kept")
    .option('--publisher <domain>', "with --format report: the publisher's domain, whose names are no indicators (repeatable)",
      (v: string, prev: string[] = []) => [...prev, v])
    .option('--dry-run', 'with --format report: list what would be imported and what would be left out, and why; change nothing')
    .option('--json', 'with --dry-run: one JSON object per line')
    .action(async (paths: string[], o: { campaign?: string; format: string; minConfidence?: string; publisher?: string[]; dryRun?: boolean; json?: boolean }) => {
      const minConfidence = o.minConfidence === undefined ? undefined : Number(o.minConfidence);
      if (minConfidence !== undefined && !(/^\d{1,3}$/.test(o.minConfidence!) && minConfidence <= 100)) {
        process.stderr.write(`sightline: --min-confidence takes a whole number from 0 to 100, not ${o.minConfidence}\n`);
        process.exitCode = EXIT_FATAL;
        return;
      }
      if (o.format !== 'auto' && !(INTEL_FORMATS as readonly string[]).includes(o.format)) {
        process.stderr.write(`sightline: unknown --format ${o.format}; known formats are: auto, ${INTEL_FORMATS.join(', ')}\n`);
        process.exitCode = EXIT_FATAL;
        return;
      }
      const usage = o.format !== 'report' && (o.dryRun || o.publisher?.length) ? '--dry-run and --publisher go with --format report'
        : o.json && !o.dryRun ? '--json goes with --dry-run' : null;
      if (usage !== null) {
        process.stderr.write(`sightline: ${usage}\n`);
        process.exitCode = EXIT_FATAL;
        return;
      }
      const printer = new DiagnosticPrinter();
      if (o.dryRun) {
        const previews = await previewReports(paths, { publishers: o.publisher ?? [], warninglists: loadWarninglists(), onDiagnostic: printer.report });
        printPreviews(previews, o.json === true);
        process.exitCode = Math.max(Number(process.exitCode ?? 0), printer.exitCode);
        return;
      }
      const bar = new Progress();
      await withStore(globals(), async (store) => {
        const r = await importIntel(store, paths, {
          ...(o.campaign !== undefined ? { campaign: o.campaign } : {}),
          format: o.format as IntelFormat | 'auto',
          ...(o.publisher?.length ? { publishers: o.publisher } : {}),
          ...(minConfidence !== undefined ? { minConfidence } : {}),
          onDiagnostic: (d) => { bar.clear(); printer.report(d); },
          progress: bar,
        });
        const formats = Object.entries(r.formats).map(([f, n]) => `${n} ${f}`).join(', ') || 'none';
        process.stderr.write(
          `imported ${r.files} file(s) (${formats}): ${r.added} new indicator(s), ${r.merged} merged into known ones` +
          `${r.warninglisted ? `, ${r.warninglisted} warninglisted` : ''}${r.belowConfidence ? `, ${r.belowConfidence} below --min-confidence dropped` : ''}` +
          `${r.leftOut ? `, ${r.leftOut} value(s) in report text left out (--dry-run lists them and why)` : ''}` +
          `${r.mispFeeds ? `; ${r.mispFeeds} MISP feed(s) read by manifest, ${r.indexesSkipped ?? 0} look-up index(es) skipped` : ''}` +
          `${printer.errors ? `; ${printer.errors} input(s) skipped` : ''}\n`);
      });
      process.exitCode = Math.max(Number(process.exitCode ?? 0), printer.exitCode);
    });

  registerIntelPull(intel, globals);

  intel.command('list')
    .description("list the case's indicators")
    .option('--campaign <name>', 'only this campaign (name or alias)')
    .option('--type <type>', 'only this indicator type')
    .option('--json', 'one JSON object per line')
    .action(async (o: { campaign?: string; type?: string; json?: boolean }) => {
      if (o.type !== undefined && !isIndicatorType(o.type)) {
        process.stderr.write(`sightline: unknown --type ${o.type}\n`);
        process.exitCode = EXIT_FATAL;
        return;
      }
      await withStore(globals(), async (store) => {
        const filter = { ...(o.campaign !== undefined ? { campaign: o.campaign } : {}), ...(o.type !== undefined && isIndicatorType(o.type) ? { type: o.type } : {}) };
        const rows: string[][] = [];
        for await (const i of store.listIndicators(filter)) {
          if (o.json) printJsonLine(i);
          else rows.push([i.type, safeText(i.value), i.campaigns.map(safeText).join(', '), i.sources.map(safeText).join(', '), i.warninglist ?? '']);
        }
        if (!o.json) process.stdout.write(formatTable(['TYPE', 'VALUE', 'CAMPAIGNS', 'SOURCES', 'WARNINGLIST'], rows));
      }, { mustExist: true });
    });
}

/**
 * `intel import --format report --dry-run`: one row (or JSON line) per value,
 * `import` or `drop`, with the page and line it was first found at and the
 * text it was found as; a line per report on stderr with its counts.
 */
function printPreviews(previews: readonly ReportPreview[], json: boolean): void {
  const rows: string[][] = [];
  for (const p of previews) {
    process.stderr.write(`${safeText(p.path)} (${p.kind}): ${p.found.length} to import, ${p.dropped.length} left out` +
      `${p.publishers.length ? `; publisher: ${p.publishers.map(safeText).join(', ')}` : ''}\n`);
    const entries = [...p.found.map((f) => ({ action: 'import' as const, ...f })), ...p.dropped.map((d) => ({ action: 'drop' as const, ...d }))];
    for (const e of entries) {
      if (json) {
        printJsonLine({ action: e.action, path: p.path, kind: p.kind, type: e.type, value: e.value, ...(e.page !== undefined ? { page: e.page } : {}),
          line: e.line, text: e.text, count: e.count, ...('reason' in e ? { reason: e.reason, ...(e.warninglist !== undefined ? { warninglist: e.warninglist } : {}) } : {}) });
        continue;
      }
      const where = `${p.path}${e.page !== undefined ? ` page ${e.page}` : ''} line ${e.line}`;
      rows.push([e.action, e.type, safeText(e.value), String(e.count), safeText(where), safeText(e.text.replace(/\n/g, ' \u23ce ')), 'reason' in e ? e.reason : '']);
    }
  }
  if (!json) process.stdout.write(formatTable(['ACTION', 'TYPE', 'VALUE', 'SEEN', 'WHERE', 'FOUND AS', 'WHY'], rows));
}
