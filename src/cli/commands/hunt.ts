/** `sightline hunt PATH…` and `sightline rehunt`. */
import type { Command } from 'commander';
import { hunt, rehunt, HUNT_FORMATS, type HuntOptions, type HuntResult, type Sighting } from '../../index.js';
import { DiagnosticPrinter, EXIT_FATAL, safeText } from '../output.js';
import { withStore, type GlobalOptions } from '../context.js';
import { Progress } from '../progress.js';

/** One sighting as a line of text for people; every value that came from evidence or intel is made safe for a terminal. */
export function formatSightingText(s: Sighting): string {
  const where = s.evidence.line !== undefined ? `:${s.evidence.line}` : s.evidence.packet !== undefined ? `:packet ${s.evidence.packet}` : '';
  const inside = s.evidence.inside !== undefined ? `!${safeText(s.evidence.inside)}` : '';
  const ends = s.src || s.dst ? `  ${safeText(s.src ?? '?')} -> ${safeText(s.dst ?? '?')}` : '';
  const hostId = s.hostId !== undefined ? `  hostid ${safeText(s.hostId)}` : '';
  return `${s.ts ?? '-'}  ${safeText(s.field)}  ${safeText(s.matched)}  [${s.indicator.type} ${safeText(s.indicator.value)}: ` +
    `${s.indicator.campaigns.map(safeText).join(', ')}]${ends}${hostId}  ${safeText(s.evidence.path)}${inside}${where}`;
}

/** The closing summary: what was stored, and apart from it what was not read or not stored again. */
export function formatHuntSummary(r: HuntResult, skipped: number): string {
  const formats = Object.entries(r.formats).map(([f, n]) => `${n} ${f}`).join(', ');
  const notes: string[] = [];
  if (r.alreadyHunted) notes.push(`${r.alreadyHunted} already hunted for every selected indicator (not read)`);
  if (r.copies) notes.push(`${r.copies} a copy of content already in the case`);
  if (r.alreadyKnown) notes.push(`${r.alreadyKnown} sighting(s) found again in content already hunted (not stored twice)`);
  if (skipped) notes.push(`${skipped} record(s) or file(s) skipped`);
  return `hunted ${r.hunted} of ${r.files} file(s)${formats ? ` (${formats})` : ''} for ${r.indicators} indicator(s): ` +
    `${r.sightings} sighting(s) stored${r.samples ? `, ${r.samples} new sample(s)` : ''}${notes.length ? `; ${notes.join('; ')}` : ''}\n`;
}

interface CommonFlags { campaign?: string; includeWarninglisted?: boolean; workers?: string; maxFileSize: string; json?: boolean }

/** Parses the flags hunt and rehunt share; null (after saying why) when one is bad. */
function commonOptions(o: CommonFlags, bar: Progress, printer: DiagnosticPrinter): Omit<HuntOptions, 'format'> | null {
  const workers = o.workers !== undefined ? Number(o.workers) : undefined;
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 64)) {
    process.stderr.write('sightline: --workers takes a whole number from 1 to 64\n');
    return null;
  }
  const maxFileSize = Number(o.maxFileSize);
  if (!(Number.isInteger(maxFileSize) && maxFileSize > 0)) {
    process.stderr.write('sightline: --max-file-size takes a positive whole number of bytes\n');
    return null;
  }
  const out = (line: string) => { bar.clear(); process.stdout.write(line); };
  return {
    ...(o.campaign !== undefined ? { campaign: o.campaign } : {}),
    includeWarninglisted: Boolean(o.includeWarninglisted),
    ...(workers !== undefined ? { workers } : {}),
    maxFileSize,
    progress: bar,
    onSighting: o.json ? (s) => out(JSON.stringify(s) + '\n') : (s) => out(formatSightingText(s) + '\n'),
    onDiagnostic: (d) => { bar.clear(); printer.report(d); },
    onNotice: (m) => { bar.clear(); process.stderr.write(safeText(m) + '\n'); },
  };
}

function withCommonFlags(c: Command): Command {
  return c
    .option('--campaign <name>', 'hunt only this campaign (name or alias)')
    .option('--include-warninglisted', 'also hunt indicators that are on a warninglist')
    .option('--workers <n>', 'worker threads for large inputs (default: every core)')
    .option('--max-file-size <bytes>', 'skip scanned files larger than this', String(256 * 1024 * 1024))
    .option('--json', 'one JSON object per sighting on stdout');
}

export function registerHunt(program: Command, globals: () => GlobalOptions): void {
  withCommonFlags(program.command('hunt')
    .description("find every sighting of the case's indicators in logs, packet captures and files")
    .argument('<paths...>', 'files or directories (.gz too)')
    .option('--format <format>', `auto|${HUNT_FORMATS.join('|')}`, 'auto')
    .option('--follow-symlinks', 'follow symbolic links that lead out of the folders given'))
    .action(async (paths: string[], o: CommonFlags & { format: string; followSymlinks?: boolean }) => {
      if (o.format !== 'auto' && !HUNT_FORMATS.includes(o.format)) {
        process.stderr.write(`sightline: unknown --format ${o.format}; known formats are: auto, ${HUNT_FORMATS.join(', ')}\n`);
        process.exitCode = EXIT_FATAL;
        return;
      }
      const printer = new DiagnosticPrinter();
      const bar = new Progress();
      const common = commonOptions(o, bar, printer);
      if (!common) { process.exitCode = EXIT_FATAL; return; }
      await withStore(globals(), async (store) => {
        const r = await hunt(store, paths, { ...common, format: o.format, followSymlinks: Boolean(o.followSymlinks) });
        process.stderr.write(formatHuntSummary(r, printer.errors));
      }, { mustExist: true });
      process.exitCode = Math.max(Number(process.exitCode ?? 0), printer.exitCode);
    });

  withCommonFlags(program.command('rehunt')
    .description('hunt the evidence the case already holds again, for the indicators each file has not met yet'))
    .action(async (o: CommonFlags) => {
      const printer = new DiagnosticPrinter();
      const bar = new Progress();
      const common = commonOptions(o, bar, printer);
      if (!common) { process.exitCode = EXIT_FATAL; return; }
      await withStore(globals(), async (store) => {
        const r = await rehunt(store, common);
        process.stderr.write(formatHuntSummary(r, printer.errors));
      }, { mustExist: true });
      process.exitCode = Math.max(Number(process.exitCode ?? 0), printer.exitCode);
    });
}
