/**
 * Reports through the importer: `--dry-run` (previewReports) drops what a
 * shipped warninglist names and says which list, and writes nothing; a real
 * import adds exactly the values found, described by where and as what they
 * were found; a PDF or an HTML page without `--format report` is told to use
 * it; an unreadable PDF adds nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { openStore } from '../store/index.js';
import { buildReportPdf } from '../intel/report/testing/build-pdf.js';
import { importIntel, loadWarninglists } from './intel-import.js';
import { previewReports } from './report-import.js';

const WARNINGLISTS = loadWarninglists();

const NOTES = [
  'The implant resolved google.com and asked 8.8.8.8 before it called hxxp://vipmailbox[.]net/nt.php.',
  'It also tried 1.1.1.1, 10.0.0.7 and www.microsoft.com; the dropper was netmgr.exe.',
].join('\n');

test('--dry-run: found values, and the dropped ones with the warninglist that names each; nothing is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-report-'));
  try {
    writeFileSync(join(dir, 'notes.txt'), NOTES);
    const diags: Diagnostic[] = [];
    const [p, ...more] = await previewReports([join(dir, 'notes.txt')], { warninglists: WARNINGLISTS, onDiagnostic: (d) => diags.push(d) });
    assert.deepEqual(more, []);
    assert.deepEqual(diags, []);
    assert.equal(p!.kind, 'text');
    assert.deepEqual(p!.found.map((f) => `${f.type} ${f.value} @${f.line} ${f.text}`), [
      'url http://vipmailbox.net/nt.php @1 hxxp://vipmailbox[.]net/nt.php',
      'domain vipmailbox.net @1 hxxp://vipmailbox[.]net/nt.php',
      'filename netmgr.exe @2 netmgr.exe',
    ]);
    // The shipped lists' names (data/warninglists/<name>), as `intel list` shows them.
    assert.deepEqual(p!.dropped.map((d) => `${d.type} ${d.value} @${d.line}: ${d.reason} [${d.warninglist ?? ''}]`), [
      'domain google.com @1: on warninglist alexa [alexa]',
      'ipv4 8.8.8.8 @1: on warninglist public-dns-v4 [public-dns-v4]',
      'ipv4 10.0.0.7 @2: a private address (RFC 1918) []',
      'ipv4 1.1.1.1 @2: on warninglist public-dns-v4 [public-dns-v4]',
      'domain www.microsoft.com @2: on warninglist alexa [alexa]',
    ]);
    assert.equal(existsSync(join(dir, 'case.db')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--format report imports exactly the values found, described by where they were found; PDFs and pages without it are told to use it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-report-'));
  const store = await openStore(join(dir, 'case.db'));
  try {
    // One page: its header is no repeated line, so the publisher is said with --publisher.
    const pdf = await buildReportPdf([{ header: 'securelist.com', lines: ['The C2 was riaru[.]net at 91.198.50.17; see also google.com.'] }]);
    writeFileSync(join(dir, 'nt.pdf'), pdf);
    writeFileSync(join(dir, 'post.html'), '<!doctype html><p>evil[.]com</p>');
    writeFileSync(join(dir, 'broken.pdf'), '%PDF-1.4\n1 0 obj << /Type /Catalog');
    const diags: Diagnostic[] = [];
    const plain = await importIntel(store, [join(dir, 'nt.pdf'), join(dir, 'post.html')], { onDiagnostic: (d) => diags.push(d), warninglists: WARNINGLISTS });
    assert.equal(plain.files, 0);
    assert.deepEqual(diags.map((d) => formatDiagnostic(d).slice(dir.length + 1)), [
      "nt.pdf: a PDF: use --format report to extract indicators from a report's text",
      "post.html: an HTML page: use --format report to extract indicators from a report's text",
    ]);
    diags.length = 0;
    const r = await importIntel(store, [join(dir, 'nt.pdf'), join(dir, 'broken.pdf')], { format: 'report', campaign: 'NetTraveler', publishers: ['securelist.com'], onDiagnostic: (d) => diags.push(d), warninglists: WARNINGLISTS });
    assert.deepEqual(diags.map((d) => [d.code, d.path.slice(dir.length + 1)]), [['unreadable', 'broken.pdf']]);
    assert.deepEqual({ files: r.files, formats: r.formats, added: r.added, warninglisted: r.warninglisted, leftOut: r.leftOut }, { files: 1, formats: { report: 1 }, added: 2, warninglisted: 0, leftOut: 2 });
    const rows = [];
    for await (const i of store.listIndicators({})) rows.push(`${i.type} ${i.value} ${i.campaigns.join(',')} ${i.sources.join(',')}`);
    assert.deepEqual(rows.sort(), ['domain riaru.net NetTraveler nt.pdf', 'ipv4 91.198.50.17 NetTraveler nt.pdf']);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
