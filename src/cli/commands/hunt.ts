/** `sightline hunt PATH…` and `sightline rehunt`. */
import type { Command } from 'commander';
import {
  hunt, rehunt, huntOnQueue, rehuntOnQueue, HUNT_FORMATS, DEFAULT_LEASE_SECONDS, type HuntOptions, type HuntResult, type QueueOptions, type Sighting,
  type Store,
} from '../../index.js';
import { DiagnosticPrinter, EXIT_FATAL, safeText } from '../output.js';
import { withStore, type GlobalOptions } from '../context.js';
import { Progress } from '../progress.js';

/** One sighting as a line of text for people; every value that came from evidence or intel is made safe for a terminal. */
export function formatSightingText(s: Sighting): string {
  const e = s.evidence;
  let where = e.line !== undefined ? `:${e.line}` : e.packet !== undefined ? `:packet ${e.packet}` : '';
  if (e.record !== undefined) where += e.line !== undefined ? ` (record ${e.record})` : `:record ${e.record}`;
  const p = s.process;
  const proc = p === undefined ? ''
    : `  process ${safeText(p.image ?? '?')}${p.pid !== null ? ` pid ${p.pid}` : ''}${p.guid !== null ? ` ${safeText(p.guid)}` : ''}`;
  const inside = s.evidence.inside !== undefined ? `!${safeText(s.evidence.inside)}` : '';
  const ends = s.src || s.dst ? `  ${safeText(s.src ?? '?')} -> ${safeText(s.dst ?? '?')}` : '';
  const hostId = s.hostId !== undefined ? `  hostid ${safeText(s.hostId)}` : '';
  return `${s.ts ?? '-'}  ${safeText(s.field)}  ${safeText(s.matched)}  [${s.indicator.type} ${safeText(s.indicator.value)}: ` +
    `${s.indicator.campaigns.map(safeText).join(', ')}]${ends}${hostId}${proc}  ${safeText(s.evidence.path)}${inside}${where}`;
}

/** The closing summary: what was stored, and apart from it what was not read or not stored again. */
export function formatHuntSummary(r: HuntResult, skipped: number): string {
  const formats = Object.entries(r.formats).map(([f, n]) => `${n} ${f}`).join(', ');
  const notes: string[] = [];
  if (r.alreadyHunted) notes.push(`${r.alreadyHunted} already hunted for every selected indicator (not read)`);
  if (r.copies) notes.push(`${r.copies} a copy of content already in the case`);
  if (r.alreadyKnown) notes.push(`${r.alreadyKnown} sighting(s) found again in content already hunted (not stored twice)`);
  if (skipped) notes.push(`${skipped} record(s) or file(s) skipped`);
  const kinds = r.sinkhole
    ? ` (${r.sinkhole.requests} beacon(s); ${r.sinkhole.crawlers} crawler and ${r.sinkhole.scanners} scanner request(s), counted apart from victims)`
    : '';
  return `hunted ${r.hunted} of ${r.files} file(s)${formats ? ` (${formats})` : ''} ${r.sinkhole ? 'as a sinkhole\'s log(s)' : `for ${r.indicators} indicator(s)`}: ` +
    `${r.sightings} sighting(s) stored${kinds}${r.samples ? `, ${r.samples} new sample(s)` : ''}${notes.length ? `; ${notes.join('; ')}` : ''}\n`;
}

interface CommonFlags {
  campaign?: string; includeWarninglisted?: boolean; workers?: string; maxFileSize: string; json?: boolean;
  /** A URL, false (`--no-queue`), or undefined ($SIGHTLINE_QUEUE, else none). */
  queue?: string | false; lease?: string;
}

/** Parses the flags hunt and rehunt share; null (after saying why) when one is bad. */
/** Characters of sighting lines gathered before one write to stdout (a sinkhole hunt prints a line per request). */
const STDOUT_CHUNK_CHARS = 64 * 1024;

/**
 * Sighting lines on stdout, written in chunks rather than one write each:
 * a chunk goes out when it is full or once the burst of lines it belongs to
 * is over (the next turn of the event loop), so what was stored is shown at
 * once; `flush()` before anything goes to stderr (the two stay in order) and at the end.
 */
function stdoutLines(bar: Progress): { line(text: string): void; flush(): void } {
  let pending = '';
  let scheduled = false;
  const flush = () => {
    if (pending === '') return;
    bar.clear();
    process.stdout.write(pending);
    pending = '';
  };
  return {
    line: (text) => {
      pending += text;
      if (pending.length >= STDOUT_CHUNK_CHARS) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(() => { scheduled = false; flush(); });
      }
    },
    flush,
  };
}

function commonOptions(o: CommonFlags, bar: Progress, printer: DiagnosticPrinter, stdout: ReturnType<typeof stdoutLines>): Omit<HuntOptions, 'format'> | null {
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
  const out = stdout.line;
  return {
    ...(o.campaign !== undefined ? { campaign: o.campaign } : {}),
    includeWarninglisted: Boolean(o.includeWarninglisted),
    ...(workers !== undefined ? { workers } : {}),
    maxFileSize,
    progress: bar,
    onSighting: o.json ? (s) => out(JSON.stringify(s) + '\n') : (s) => out(formatSightingText(s) + '\n'),
    onDiagnostic: (d) => { stdout.flush(); bar.clear(); printer.report(d); },
    onNotice: (m) => { stdout.flush(); bar.clear(); process.stderr.write(safeText(m) + '\n'); },
  };
}

function withCommonFlags(c: Command): Command {
  return c
    .option('--campaign <name>', 'hunt only this campaign (name or alias)')
    .option('--include-warninglisted', 'also hunt indicators that are on a warninglist')
    .option('--workers <n>', 'worker threads for large inputs (default: every core)')
    .option('--max-file-size <bytes>', 'skip scanned files larger than this', String(256 * 1024 * 1024))
    .option('--json', 'one JSON object per sighting on stdout')
    .option('--queue <url>', 'submit the hunt as jobs to this PostgreSQL job queue (default $SIGHTLINE_QUEUE) for `sightline worker`s to hunt')
    .option('--no-queue', 'hunt on this machine even when $SIGHTLINE_QUEUE is set')
    .option('--lease <seconds>', `with --queue: a job not finished this long after a worker took it is retried elsewhere (default ${DEFAULT_LEASE_SECONDS})`);
}

/** The queue a hunt is submitted to (`--queue`, else $SIGHTLINE_QUEUE), or null: hunt here. Throws on a bad --lease. */
function queueOptions(o: CommonFlags): QueueOptions | null {
  const url = o.queue === false ? undefined : o.queue ?? process.env['SIGHTLINE_QUEUE'];
  if (url === undefined || url === '') {
    if (o.lease !== undefined) throw new Error('--lease goes with --queue');
    return null;
  }
  const lease = o.lease !== undefined ? Number(o.lease) : undefined;
  if (lease !== undefined && !(Number.isInteger(lease) && lease >= 1 && lease <= 86_400)) throw new Error('--lease takes a whole number of seconds from 1 to 86400');
  return { queue: url, ...(lease !== undefined ? { leaseSeconds: lease } : {}) };
}

/** Why the sinkhole flags do not go together, or null. */
export function sinkholeUsage(o: { sinkhole?: string; exclusions?: string[]; campaign?: string; format: string }): string | null {
  if (o.sinkhole === undefined) return o.exclusions?.length ? '--exclusions goes with --sinkhole CAMPAIGN' : null;
  if (o.sinkhole.trim() === '') return '--sinkhole needs a campaign name';
  if (o.campaign !== undefined) return '--sinkhole names the campaign; leave out --campaign';
  if (o.format !== 'auto' && o.format !== 'web-access') return `--sinkhole reads web access logs only: --format ${o.format} does not go with it (auto or web-access do)`;
  return null;
}

/**
 * What hunt and rehunt share: the progress bar, sighting lines in chunks, the
 * diagnostics, the case, the closing summary and the exit status.
 */
async function runHunt(
  globals: () => GlobalOptions, o: CommonFlags, mustExist: boolean,
  run: (store: Store, common: Omit<HuntOptions, 'format'>) => Promise<HuntResult>,
): Promise<void> {
  const printer = new DiagnosticPrinter();
  const bar = new Progress();
  const stdout = stdoutLines(bar);
  const common = commonOptions(o, bar, printer, stdout);
  if (!common) { process.exitCode = EXIT_FATAL; return; }
  try {
    await withStore(globals(), async (store) => {
      const r = await run(store, common);
      stdout.flush();
      process.stderr.write(formatHuntSummary(r, printer.errors));
    }, { mustExist });
  } finally {
    stdout.flush();
  }
  process.exitCode = Math.max(Number(process.exitCode ?? 0), printer.exitCode);
}

export function registerHunt(program: Command, globals: () => GlobalOptions): void {
  withCommonFlags(program.command('hunt')
    .description("find every sighting of the case's indicators in logs, packet captures and files")
    .argument('<paths...>', 'files or directories (.gz too)')
    .option('--format <format>', `auto|${HUNT_FORMATS.join('|')}`, 'auto')
    .option('--follow-symlinks', 'follow symbolic links that lead out of the folders given')
    .option('--sinkhole <campaign>', "the paths are a sinkhole's web access logs: every request is this campaign's beacon (the campaign is created if the case has none)")
    .option('--exclusions <file>', 'with --sinkhole: more crawlers and scanners to count apart, in the shape of data/sinkhole-exclusions.json (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v]))
    .action(async (paths: string[], o: CommonFlags & { format: string; followSymlinks?: boolean; sinkhole?: string; exclusions?: string[] }) => {
      if (o.format !== 'auto' && !HUNT_FORMATS.includes(o.format)) {
        process.stderr.write(`sightline: unknown --format ${o.format}; known formats are: auto, ${HUNT_FORMATS.join(', ')}\n`);
        process.exitCode = EXIT_FATAL;
        return;
      }
      const usage = sinkholeUsage(o);
      if (usage !== null) {
        process.stderr.write(`sightline: ${usage}\n`);
        process.exitCode = EXIT_FATAL;
        return;
      }
      // A researcher with only a sinkhole's log has no case yet: a sinkhole hunt makes its campaign (said in a notice), and the case.
      const queue = queueOptions(o);
      if (queue && o.sinkhole !== undefined) {
        process.stderr.write('sightline: a sinkhole hunt runs on this machine only: leave out --queue (or use --no-queue)\n');
        process.exitCode = EXIT_FATAL;
        return;
      }
      await runHunt(globals, o, o.sinkhole === undefined, (store, common) => {
        const opts: HuntOptions = {
          ...common, format: o.format, followSymlinks: Boolean(o.followSymlinks),
          ...(o.sinkhole !== undefined ? { sinkhole: o.sinkhole, exclusions: o.exclusions ?? [] } : {}),
        };
        return queue ? huntOnQueue(store, paths, { ...opts, ...queue }) : hunt(store, paths, opts);
      });
    });

  withCommonFlags(program.command('rehunt')
    .description('hunt the evidence the case already holds again, for the indicators each file has not met yet'))
    .action(async (o: CommonFlags) => {
      const queue = queueOptions(o);
      await runHunt(globals, o, true, (store, common) => queue ? rehuntOnQueue(store, { ...common, ...queue }) : rehunt(store, common));
    });
}
