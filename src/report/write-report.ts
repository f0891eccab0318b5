/**
 * writeReport: a campaign's report as files in one folder (docs/report.md).
 * The sightings are read once, as a stream; every file is written beside
 * under a temporary name and renamed into place, so a folder never holds a
 * half-written file. The same input gives the same bytes (generatedAt is
 * the only clock read), except report.pdf, which Chromium stamps.
 */
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Anchors } from './anchors.js';
import { buildsChart, hoursChart, overlapChart, sectorsChart, timelineChart } from './charts.js';
import { collectSightings } from './collect.js';
import { CsvWriter, SAMPLE_COLUMNS, sampleCsvLine, VICTIM_COLUMNS, victimCsvLine } from './csv.js';
import { renderHtml, type Figures } from './html.js';
import { findChromium, printPdf } from './pdf.js';
import { buildStixBundle, writeStixBundle } from './stix.js';
import { sentenceText, summarize } from './summary.js';
import { REPORT_FILES, TLP_LEVELS, type PdfOutcome, type ReportInput, type ReportOptions, type ReportOutcome } from './types.js';
import { worldMap } from './world-map.js';


function temporary(path: string): string {
  return `${path}.part-${process.pid}`;
}

async function writeAtomically(path: string, data: string): Promise<void> {
  const tmp = temporary(path);
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export async function writeReport(input: ReportInput, outDir: string, opts: ReportOptions = {}): Promise<ReportOutcome> {
  if (!TLP_LEVELS.includes(input.tlp)) throw new Error(`tlp must be one of ${TLP_LEVELS.join(', ')}, not ${JSON.stringify(input.tlp)}`);
  if (Number.isNaN(Date.parse(input.generatedAt))) throw new Error(`generatedAt is not a time: ${JSON.stringify(input.generatedAt)}`);
  await mkdir(outDir, { recursive: true });
  const files: string[] = [];
  const notes: string[] = [];
  const at = (name: string) => join(outDir, name);

  // The one pass over the sightings: sightings.csv, the page's rows, STIX tallies.
  const victimSources = new Set(input.victims.map((v) => v.src));
  const sightingsTmp = temporary(at(REPORT_FILES.sightings));
  let digest;
  try {
    digest = await collectSightings(input.sightings, sightingsTmp, input.stats.timeline.byMonth.length, (src) => victimSources.has(src));
  } catch (e) {
    await rm(sightingsTmp, { force: true });
    throw e;
  }
  await rename(sightingsTmp, at(REPORT_FILES.sightings));
  files.push(REPORT_FILES.sightings);
  if (digest.total !== input.sightingsTotal) {
    notes.push(`the sightings stream held ${digest.total} sightings, sightingsTotal said ${input.sightingsTotal}`);
  }

  // The page first, so that Chromium (another process: the other core) prints it while this one writes the rest.
  const anchors = new Anchors(input.stats, input.victims);
  const summary = summarize(input.stats, input.sightingsTotal, anchors);
  const summaryText = summary.map(sentenceText).join(' ');
  const map = worldMap(input.stats.victims.byCountry, (code) => `#${anchors.country(code)}`);
  if (map.notDrawn.length > 0) notes.push(`map: ${map.notDrawn.map((c) => c.code).join(', ')} too small for the 1:110m map (listed under it)`);
  const figures: Figures = {
    map,
    sectors: await sectorsChart(input.stats),
    timeline: await timelineChart(input.stats),
    builds: await buildsChart(input.stats),
    hours: await hoursChart(input.stats),
    overlap: await overlapChart(input.stats),
  };
  const html = renderHtml({ input, digest, anchors, summary, figures });
  await writeAtomically(at(REPORT_FILES.html), html);
  const htmlBytes = (await stat(at(REPORT_FILES.html))).size;

  const printing = (async (): Promise<PdfOutcome> => {
    if (!(opts.pdf ?? true)) return { written: false, reason: 'not asked for' };
    const chromium = await findChromium(opts.chromium);
    if ('missing' in chromium) return { written: false, reason: chromium.missing };
    const tmp = temporary(at(REPORT_FILES.pdf));
    // Printed from the page without the rows paper leaves off (`tr.more`, hidden in print anyway): Chromium lays out
    // a third of the page, not all of it (a row holds no other row).
    const printPage = temporary(at('print.html'));
    await writeFile(printPage, html.replace(/<tr class="more">.*?<\/tr>\n?/g, ''));
    let printed: PdfOutcome;
    try {
      printed = await printPdf(printPage, tmp, chromium.path);
    } finally {
      await rm(printPage, { force: true });
    }
    if (!printed.written) {
      await rm(tmp, { force: true });
      return printed;
    }
    await rename(tmp, at(REPORT_FILES.pdf));
    return { written: true, file: REPORT_FILES.pdf };
  })();
  // Settled here, awaited below: a failure to print is reported with the rest, not as an unhandled rejection.
  printing.catch(() => undefined);

  for (const [name, columns, rows] of [
    [REPORT_FILES.victims, VICTIM_COLUMNS, input.victims.map(victimCsvLine)],
    [REPORT_FILES.samples, SAMPLE_COLUMNS, input.samples.map(sampleCsvLine)],
  ] as const) {
    const tmp = temporary(at(name));
    const csv = new CsvWriter(tmp, [...columns]);
    for (const line of rows) await csv.add(line);
    await csv.close();
    await rename(tmp, at(name));
    files.push(name);
  }

  await writeAtomically(at(REPORT_FILES.json), `${JSON.stringify(input.stats, null, 2)}\n`);
  files.push(REPORT_FILES.json);

  const stix = buildStixBundle(input, digest, summaryText);
  notes.push(...stix.notes);
  const stixTmp = temporary(at(REPORT_FILES.stix));
  await writeStixBundle(stixTmp, stix.bundle);
  await rename(stixTmp, at(REPORT_FILES.stix));
  files.push(REPORT_FILES.stix);
  files.push(REPORT_FILES.html);

  const pdf = await printing;
  if (pdf.written) files.push(REPORT_FILES.pdf);
  if (!pdf.written) {
    // A report.pdf left by an earlier run would not match the files just written.
    try {
      await rm(at(REPORT_FILES.pdf));
      notes.push(`removed the ${REPORT_FILES.pdf} of an earlier run: it no longer matched`);
    } catch { /* there was none */ }
  }
  return { outDir, files, pdf, htmlBytes, notes };
}
