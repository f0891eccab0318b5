import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from './write-report.js';
import { GENERATED_AT, XSS_DOMAIN, XSS_FILE, XSS_ORGANISATION, XSS_PROBE, reportFixture } from './testing/fixture.js';
import type { ReportOutcome } from './types.js';

const FIGURES = ['fig-map', 'fig-sectors', 'fig-timeline', 'fig-builds', 'fig-hours', 'fig-overlap'];
const TEXT_FILES = ['index.html', 'report.json', 'bundle.stix.json', 'victims.csv', 'sightings.csv', 'samples.csv'];

let root: string;
let first: ReportOutcome;
const dir = (name: string) => join(root, name);
const read = (sub: string, file: string) => readFile(join(root, sub, file), 'utf8');

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sightline-report-test-'));
  first = await writeReport(reportFixture(), dir('a'), { pdf: false });
  await writeReport(reportFixture(), dir('b'), { pdf: false });
  await writeReport(reportFixture({ generatedAt: '2027-02-03T04:05:06.000Z' }), dir('c'), { pdf: false });
});
after(() => rm(root, { recursive: true, force: true }));

test('writes every file but the PDF when not asked for one, and says what it left out', async () => {
  assert.deepEqual([...first.files].sort(), [...TEXT_FILES].sort());
  assert.deepEqual((await readdir(dir('a'))).sort(), [...TEXT_FILES].sort());
  assert.deepEqual(first.pdf, { written: false, reason: 'not asked for' });
  assert.ok(first.notes.some((n) => n.includes('NT_Private_Helper')));
  assert.ok(first.htmlBytes > 0);
});

test('report.json is exactly the stats object', async () => {
  const input = reportFixture();
  assert.equal(await read('a', 'report.json'), `${JSON.stringify(input.stats, null, 2)}\n`);
});

test('the same input gives byte-identical files', async () => {
  for (const f of TEXT_FILES) assert.equal(await read('b', f), await read('a', f), f);
});

test('another generatedAt changes only the date', async () => {
  for (const f of TEXT_FILES) {
    const a = await read('a', f);
    const c = await read('c', f);
    assert.equal(c.replaceAll('2027-02-03T04:05:06.000Z', GENERATED_AT), a, f);
  }
  assert.ok((await read('c', 'index.html')).includes('2027-02-03T04:05:06.000Z'));
});

test('every figure is present: one <svg> in each figure', async () => {
  const html = await read('a', 'index.html');
  for (const id of FIGURES) {
    const m = new RegExp(`<figure id="${id}">([\\s\\S]*?)</figure>`).exec(html);
    assert.ok(m, `figure ${id}`);
    assert.equal(m[1]!.match(/<svg[\s>]/g)?.length, 1, `one svg in ${id}`);
  }
  assert.equal(html.match(/<svg[\s>]/g)?.length, FIGURES.length);
});

test('the XSS probe renders as text: in a domain, a sample file name and an organisation', async () => {
  const html = await read('a', 'index.html');
  const escaped = '&lt;img src=x onerror=alert(1)&gt;';
  assert.ok(!html.includes(XSS_PROBE), 'no raw probe');
  assert.ok(!/<img/i.test(html), 'no img element');
  assert.ok(!/<script/i.test(html), 'no script');
  assert.ok(!/\son[a-z]+=/i.test(html.replace(/&lt;img src=x onerror=alert\(1\)&gt;/g, '')), 'no event handler attribute');
  assert.ok(html.includes(`${escaped}.example`), XSS_DOMAIN);
  assert.ok(html.includes(`${escaped}.exe`), XSS_FILE);
  assert.ok(html.includes(`${escaped} Ministry`), XSS_ORGANISATION);
});

test('the page is self-contained: a CSP that loads nothing, no external URL in src or href', async () => {
  const html = await read('a', 'index.html');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'/);
  const refs = [...html.matchAll(/\s(?:src|href|xlink:href)="([^"]*)"/g)].map((m) => m[1]!);
  for (const r of refs) assert.ok(r.startsWith('#') || /^[a-z.-]+\.(csv|json)$/.test(r) || r.startsWith('https://db-ip.com'), r);
  assert.ok(!/@import|url\((?!#)/.test(html), 'no CSS fetches, only in-page url(#id) references');
});

test('every in-page link points at an element that exists', async () => {
  const html = await read('a', 'index.html');
  const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
  const links = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(links.length > 50);
  for (const l of links) assert.ok(ids.has(l), `#${l}`);
  for (const id of ['victims-country-MN', 'victims-country-unknown', 'victims-sector-diplomatic', 'samples-year-2005', 'sightings-month-2013-01', 'overlap-red-october']) {
    assert.ok(ids.has(id), id);
  }
});

test('the TLP banner uses the TLP 2.0 label and colours', async () => {
  const html = await read('a', 'index.html');
  assert.match(html, /<div class="tlp" role="note">TLP:AMBER<span>/);
  assert.match(html, /\.tlp \{ background: #000; color: #ffc000;/);
  const red = dir('red');
  await writeReport(reportFixture({ tlp: 'red' }), red, { pdf: false });
  const redHtml = await readFile(join(red, 'index.html'), 'utf8');
  assert.match(redHtml, /TLP:RED/);
  assert.match(redHtml, /color: #ff2b2b;/);
  assert.match(redHtml, /@media print/);
});

test('the comparison with what was published sets each figure beside its source', async () => {
  const html = await read('a', 'index.html');
  const section = /<section id="published">[\s\S]*?<\/section>/.exec(html)![0];
  assert.match(section, /<tr><td>Victims<\/td><td class="n"><a href="#victims">12<\/a><\/td><td class="n">350<\/td><td class="n diff-neg">-338<\/td><\/tr>/);
  assert.match(section, /Top 10 countries.*5 of 10 in common/);
  assert.match(section, /Share diplomatic.*42%.*32%.*\+10 pp/);
  assert.match(section, /Victims shared with Red October.*>2<.*>6<.*-4/);
  const none = dir('unpublished');
  await writeReport(reportFixture({ withPublished: false }), none, { pdf: false });
  assert.ok(!(await readFile(join(none, 'index.html'), 'utf8')).includes('id="published"'));
});

test('the CSV files hold every row, formula-safe', async () => {
  const sightings = (await read('a', 'sightings.csv')).trimEnd().split('\r\n');
  assert.equal(sightings[0], 'ts,campaigns,indicator_type,indicator,matched,field,src,dst,path,format,line,packet,inside,record,process_image,process_pid');
  assert.equal(sightings.length, 1 + reportFixture().sightingsTotal);
  const victims = (await read('a', 'victims.csv')).trimEnd().split('\r\n');
  assert.equal(victims.length, 1 + 12);
  assert.ok(victims.some((l) => l.includes(XSS_ORGANISATION)), 'CSV keeps text as it is');
  const samples = (await read('a', 'samples.csv')).trimEnd().split('\r\n');
  assert.equal(samples.length, 1 + 10);
});

test('an empty campaign still makes a whole report', async () => {
  const input = reportFixture({ withPublished: false });
  const stats = structuredClone(input.stats);
  stats.victims = { count: 0, hostIds: null, countries: 0, byCountry: [], bySector: [], byOrganisation: [] };
  stats.timeline = { firstSeen: null, lastSeen: null, byDay: [], byWeek: [], byMonth: [] };
  stats.indicators = { total: 0, sighted: 0, byType: {}, heldByType: {}, top: [] };
  stats.builds = { count: 0, anomalous: 0, setAside: {}, earliest: null, latest: null, byYear: [], lastThreeYearsShare: null, variants: [] };
  stats.authorship = { utcOffset: null, declined: 'no usable build times', insideWindowShare: null, score: null, interval: null, alternatives: [], hourOfWeek: new Array(168).fill(0), candidates: [], languages: [], codePages: [], pdbPaths: [] };
  stats.overlap = [];
  const empty = dir('empty');
  const out = await writeReport({
    ...input, stats, victims: [], sightings: (async function* () { /* none */ })(), sightingsTotal: 0, samples: [], evidence: [], indicators: [],
  }, empty, { pdf: false });
  const html = await readFile(join(empty, 'index.html'), 'utf8');
  assert.match(html, /<p><a href="#victims">0 victims<\/a> in <a href="#fig-map">0 countries<\/a>\.<\/p>/);
  assert.match(html, /No working-hours fit<\/a>: no usable build times\./);
  assert.equal(html.match(/<svg[\s>]/g)?.length, 1, 'only the map is drawn');
  const bundle = JSON.parse(await readFile(join(empty, 'bundle.stix.json'), 'utf8')) as { objects: { type: string }[] };
  assert.deepEqual(bundle.objects.map((o) => o.type), ['marking-definition', 'identity', 'campaign', 'malware', 'relationship', 'report']);
  assert.equal(out.files.length, 6);
});
