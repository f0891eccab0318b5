/** `sightline hunt PATH…`. */
import type { Command } from 'commander';
import { hunt, HUNT_FORMATS, type Sighting } from '../../index.js';
import { DiagnosticPrinter, EXIT_FATAL, printJsonLine, safeText } from '../output.js';
import { withStore, type GlobalOptions } from '../context.js';

/** One sighting as a line of text for people. */
export function formatSightingText(s: Sighting): string {
  const where = s.evidence.line !== undefined ? `:${s.evidence.line}` : s.evidence.packet !== undefined ? `:packet ${s.evidence.packet}` : '';
  const inside = s.evidence.inside !== undefined ? `!${s.evidence.inside}` : '';
  const ends = s.src || s.dst ? `  ${s.src ?? '?'} -> ${s.dst ?? '?'}` : '';
  return `${s.ts ?? '-'}  ${s.field}  ${safeText(s.matched)}  [${s.indicator.type} ${safeText(s.indicator.value)}: ` +
    `${s.indicator.campaigns.map(safeText).join(', ')}]${ends}  ${safeText(s.evidence.path)}${inside}${where}`;
}

export function registerHunt(program: Command, globals: () => GlobalOptions): void {
  program.command('hunt')
    .description("find every sighting of the case's indicators in logs, packet captures and files")
    .argument('<paths...>', 'files or directories (.gz too)')
    .option('--campaign <name>', 'hunt only this campaign (name or alias)')
    .option('--format <format>', `auto|${HUNT_FORMATS.join('|')}`, 'auto')
    .option('--include-warninglisted', 'also hunt indicators that are on a warninglist')
    .option('--workers <n>', 'worker threads for large inputs (default: every core)')
    .option('--max-file-size <bytes>', 'skip scanned files larger than this', String(256 * 1024 * 1024))
    .option('--json', 'one JSON object per sighting on stdout')
    .action(async (paths: string[], o: { campaign?: string; format: string; includeWarninglisted?: boolean; workers?: string; maxFileSize: string; json?: boolean }) => {
      if (o.format !== 'auto' && !HUNT_FORMATS.includes(o.format)) {
        process.stderr.write(`sightline: unknown --format ${o.format}; known formats are: auto, ${HUNT_FORMATS.join(', ')}\n`);
        process.exitCode = EXIT_FATAL;
        return;
      }
      const workers = o.workers !== undefined ? Number(o.workers) : undefined;
      if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 64)) {
        process.stderr.write('sightline: --workers takes a whole number from 1 to 64\n');
        process.exitCode = EXIT_FATAL;
        return;
      }
      const maxFileSize = Number(o.maxFileSize);
      if (!(Number.isInteger(maxFileSize) && maxFileSize > 0)) {
        process.stderr.write('sightline: --max-file-size takes a positive whole number of bytes\n');
        process.exitCode = EXIT_FATAL;
        return;
      }
      const printer = new DiagnosticPrinter();
      await withStore(globals(), async (store) => {
        const r = await hunt(store, paths, {
          ...(o.campaign !== undefined ? { campaign: o.campaign } : {}),
          format: o.format,
          includeWarninglisted: Boolean(o.includeWarninglisted),
          ...(workers !== undefined ? { workers } : {}),
          maxFileSize,
          progress: true,
          onSighting: o.json ? printJsonLine : (s) => process.stdout.write(formatSightingText(s) + '\n'),
          onDiagnostic: printer.report,
          onNotice: (m) => process.stderr.write(safeText(m) + '\n'),
        });
        const formats = Object.entries(r.formats).map(([f, n]) => `${n} ${f}`).join(', ');
        process.stderr.write(`hunted ${r.hunted} of ${r.files} file(s)${formats ? ` (${formats})` : ''} for ${r.indicators} indicator(s): ` +
          `${r.sightings} sighting(s)${r.samples ? `, ${r.samples} sample(s)` : ''}${r.alreadyHunted ? `; ${r.alreadyHunted} already hunted` : ''}` +
          `${printer.errors ? `; ${printer.errors} record(s) or file(s) skipped` : ''}\n`);
      });
      process.exitCode = Math.max(Number(process.exitCode ?? 0), printer.exitCode);
    });
}
