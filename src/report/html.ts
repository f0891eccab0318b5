/**
 * index.html: one self-contained page (inline CSS and SVG, no script, a
 * Content-Security-Policy that forbids loading anything). Every string from
 * evidence or intel goes through escapeHtml; every number links to the rows
 * behind it; long tables show their first rows in groups and link to the
 * complete CSV files beside the page.
 */
import type { Sighting } from '../core/model.js';
import type { SampleRecord } from '../store/store.js';
import type { CampaignStats, Victim } from '../analytics/types.js';
import type { Anchors } from './anchors.js';
import type { SightingsDigest } from './collect.js';
import { escapeHtml } from './escape.js';
import {
  formatCount, formatDifference, formatPointsDifference, formatScore, formatShare, formatTime, formatUtcOffset,
} from './format.js';
import { groupRows, type Group } from './groups.js';
import { compileYear, peFactsOf } from './samples.js';
import { pageCss, TLP_MEANING } from './styles.js';
import { sentenceHtml, type Sentence } from './summary.js';
import type { ReportInput } from './types.js';
import type { WorldMap } from './world-map.js';

/** Victims shown grouped by country, and by sector, over all groups. */
export const VICTIM_ROWS = 3000;
export const SECTOR_ROWS = 1000;
/** Samples shown, over all compile years. */
export const SAMPLE_ROWS = 1000;
const MIN_ROWS_PER_GROUP = 10;
/** On paper each group prints its first rows only (the page and the CSV files hold the rest). */
const PRINT_ROWS_PER_GROUP = 3;
const PRINT_ROWS_PER_SECTOR = 5;
/** Longer cell text is cut (the CSV files hold it whole). */
const MAX_CELL_CHARS = 200;
/** Rows of the smaller lists (top indicators, variants, PDB paths, shared victims). */
const LIST_ROWS = 200;

export interface Figures {
  map: WorldMap;
  sectors: string | null;
  timeline: string | null;
  builds: string | null;
  hours: string | null;
  overlap: string | null;
}

export interface PageParts {
  input: ReportInput;
  digest: SightingsDigest;
  anchors: Anchors;
  summary: Sentence[];
  figures: Figures;
}

/** Escaped, and cut to MAX_CELL_CHARS. */
function text(s: string | null | undefined): string {
  if (s === null || s === undefined || s === '') return '—';
  return escapeHtml(s.length > MAX_CELL_CHARS ? `${s.slice(0, MAX_CELL_CHARS - 1)}…` : s);
}

function a(href: string, label: string): string {
  return `<a href="${escapeHtml(href)}">${label}</a>`;
}

function num(n: number, href?: string): string {
  const s = formatCount(n);
  return href ? a(href, s) : s;
}

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function table(head: (string | [string, 'n'])[], body: string, cls = ''): string {
  const ths = head.map((h) => (Array.isArray(h) ? `<th class="n">${h[0]}</th>` : `<th>${h}</th>`)).join('');
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${ths}</tr></thead>\n${body}\n</table>`;
}

function showing(g: Group<unknown>, file: string): string {
  return g.shown.length < g.total ? ` — the first ${formatCount(g.shown.length)} shown; all in ${a(file, escapeHtml(file))}` : '';
}

export function renderHtml(p: PageParts): string {
  const { input } = p;
  const stats = input.stats;
  const tlpLabel = `TLP:${input.tlp.toUpperCase()}`;
  const title = `${stats.campaign}: campaign report`;
  const sections = [
    summarySection(p),
    input.published ? publishedSection(p) : '',
    figuresSection(p),
    victimsSection(p),
    indicatorsSection(stats),
    sightingsSection(p),
    buildsSection(p),
    authorshipSection(stats),
    overlapSection(p),
    samplesSection(p),
    evidenceSection(p),
    intelSection(input),
    creditsSection(input),
  ].filter((s) => s !== '');
  const nav: [string, string][] = [['summary', 'Summary'], ...(input.published ? [['published', 'Published'] as [string, string]] : []),
    ['figures', 'Figures'], ['victims', 'Victims'], ['indicators', 'Indicators'], ['sightings', 'Sightings'], ['builds', 'Builds'],
    ['authorship', 'Authorship'], ['overlap', 'Overlap'], ['samples', 'Samples'], ['evidence', 'Evidence'], ['intel', 'Intel'], ['credits', 'Credits']];
  const aliases = input.aliases.length > 0 ? `<p class="meta">Also known as ${input.aliases.map((x) => escapeHtml(x)).join(', ')}.</p>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Sightline">
<title>${escapeHtml(title)} (${tlpLabel})</title>
<style>
${pageCss(input.tlp)}
</style>
</head>
<body>
<div class="tlp" role="note">${tlpLabel}<span>${escapeHtml(TLP_MEANING[input.tlp])}</span></div>
<header>
<h1>${escapeHtml(stats.campaign)}</h1>
${aliases}
<p class="meta">Campaign report by ${escapeHtml(input.team?.name ?? 'Sightline user')}, made with Sightline on <time datetime="${escapeHtml(input.generatedAt)}">${escapeHtml(input.generatedAt)}</time>, from ${num(input.evidence.length, '#evidence')} evidence files and ${num(input.intelSources.length, '#intel')} intel sources. Times are UTC.</p>
</header>
<nav>${nav.map(([id, label]) => a(`#${id}`, label)).join(' ')}</nav>
<main>
${sections.join('\n')}
</main>
<footer><div class="tlp" role="note">${tlpLabel}</div></footer>
</body>
</html>
`;
}

function summarySection(p: PageParts): string {
  return `<section id="summary" class="summary"><h2>Summary</h2>\n${p.summary.map((s) => `<p>${sentenceHtml(s)}</p>`).join('\n')}\n</section>`;
}

function diffCell(n: number): string {
  const cls = n > 0 ? ' diff-pos' : n < 0 ? ' diff-neg' : '';
  return `<td class="n${cls}">${formatDifference(n)}</td>`;
}

function publishedSection(p: PageParts): string {
  const pub = p.input.published!;
  const stats = p.input.stats;
  const rows: string[] = [];
  const row = (figure: string, rebuilt: string, published: string, diff: string) =>
    rows.push(`<tr><td>${figure}</td><td class="n">${rebuilt}</td><td class="n">${published}</td>${diff}</tr>`);
  if (pub.victims !== undefined) row('Victims', num(stats.victims.count, '#victims'), formatCount(pub.victims), diffCell(stats.victims.count - pub.victims));
  if (pub.countries !== undefined) row('Countries', num(stats.victims.countries, '#fig-map'), formatCount(pub.countries), diffCell(stats.victims.countries - pub.countries));
  if (pub.topCountries !== undefined && pub.topCountries.length > 0) {
    const n = pub.topCountries.length;
    const ours = stats.victims.byCountry.slice(0, n).map((c) => c.code);
    const common = ours.filter((c) => pub.topCountries!.includes(c)).length;
    row(`Top ${n} countries`, ours.map((c) => a(`#${p.anchors.country(c)}`, escapeHtml(c))).join(' '), pub.topCountries.map((c) => escapeHtml(c)).join(' '),
      `<td class="n">${common} of ${n} in common</td>`);
  }
  for (const s of pub.sectors ?? []) {
    const ours = stats.victims.bySector.find((x) => x.sector.toLowerCase() === s.sector.toLowerCase());
    const share = ours?.share ?? 0;
    const rebuilt = ours ? a(`#${p.anchors.sector(ours.sector)}`, formatShare(share)) : '0%';
    const pp = Math.round((share - s.share) * 100);
    rows.push(`<tr><td>Share ${escapeHtml(s.sector)}</td><td class="n">${rebuilt}</td><td class="n">${formatShare(s.share)}</td><td class="n${pp > 0 ? ' diff-pos' : pp < 0 ? ' diff-neg' : ''}">${formatPointsDifference(share, s.share)}</td></tr>`);
  }
  if (pub.buildsSince !== undefined) {
    const first = stats.builds.byYear.length > 0 ? Math.min(...stats.builds.byYear.map((y) => y.year)) : null;
    row('Builds since', first !== null ? a(`#${p.anchors.year(String(first))}`, String(first)) : '—', String(pub.buildsSince),
      first !== null ? diffCell(first - pub.buildsSince) : '<td class="n">—</td>');
  }
  if (pub.lastThreeYearsShare !== undefined) {
    const ours = stats.builds.lastThreeYearsShare;
    row('Builds in the last three years', ours !== null ? a('#builds', formatShare(ours)) : '—', formatShare(pub.lastThreeYearsShare),
      ours !== null ? `<td class="n">${formatPointsDifference(ours, pub.lastThreeYearsShare)}</td>` : '<td class="n">—</td>');
  }
  for (const o of pub.overlap ?? []) {
    const ours = stats.overlap.find((x) => x.campaign.toLowerCase() === o.campaign.toLowerCase());
    const n = ours?.sharedVictims ?? 0;
    row(`Victims shared with ${escapeHtml(o.campaign)}`, ours ? num(n, `#${p.anchors.overlap(ours.campaign)}`) : '0', formatCount(o.victims), diffCell(n - o.victims));
  }
  const src = pub.source;
  const cite = `${escapeHtml(src.title)}${src.date ? `, ${escapeHtml(src.date)}` : ''}${src.url ? ` (${escapeHtml(src.url)})` : ''}`;
  return `<section id="published"><h2>Side by side with what was published</h2>
<p>Each figure rebuilt from this case's evidence beside the one published in ${cite}; the difference is rebuilt minus published (shares in percentage points).</p>
${table(['Figure', ['Rebuilt', 'n'], ['Published', 'n'], ['Difference', 'n']], `<tbody>${rows.join('\n')}</tbody>`)}
</section>`;
}

function figure(id: string, caption: string, svg: string | null, empty: string, after = ''): string {
  const body = svg ?? `<p class="note">${empty}</p>`;
  return `<figure id="${id}"><figcaption>${caption}</figcaption>\n${body}\n${after}</figure>`;
}

function figuresSection(p: PageParts): string {
  const { stats } = p.input;
  const f = p.figures;
  const countryRows = stats.victims.byCountry.map((c) =>
    `<tr><td>${text(c.name || c.code)} (${escapeHtml(c.code)})</td><td class="n">${num(c.count, `#${p.anchors.country(c.code)}`)}</td><td class="n">${formatShare(c.share)}</td></tr>`).join('\n');
  const notDrawn = f.map.notDrawn.length > 0
    ? `<p class="note">Not drawn (too small for the 1:110m map): ${f.map.notDrawn.map((c) => `${a(`#${p.anchors.country(c.code)}`, `${text(c.name || c.code)} (${formatCount(c.count)})`)}`).join(', ')}.</p>`
    : '';
  const sectorRows = stats.victims.bySector.map((s) =>
    `<tr><td>${text(s.sector)}</td><td class="n">${num(s.count, `#${p.anchors.sector(s.sector)}`)}</td><td class="n">${formatShare(s.share)}</td></tr>`).join('\n');
  const monthRows = stats.timeline.byMonth.map((m) =>
    `<tr><td>${escapeHtml(m.month)}</td><td class="n">${num(m.sightings, `#${p.anchors.month(m.month)}`)}</td><td class="n">${num(m.newVictims, 'victims.csv')}</td></tr>`).join('\n');
  const yearRows = stats.builds.byYear.map((y) =>
    `<tr><td>${y.year}</td><td class="n">${num(y.count, `#${p.anchors.year(String(y.year))}`)}</td></tr>`).join('\n');
  const overlapRows = stats.overlap.map((o) =>
    `<tr><td>${text(o.campaign)}</td><td class="n">${num(o.sharedVictims, `#${p.anchors.overlap(o.campaign)}`)}</td><td class="n">${num(o.sharedIndicators, `#${p.anchors.overlap(o.campaign)}`)}</td></tr>`).join('\n');
  const usable = stats.authorship.hourOfWeek.reduce((s, x) => s + x, 0);
  return `<section id="figures"><h2>Figures</h2>
${figure('fig-map', 'Victims by country', f.map.svg, '', `${notDrawn}\n${table(['Country', ['Victims', 'n'], ['Share', 'n']], `<tbody>${countryRows}</tbody>`, 'key')}`)}
${figure('fig-sectors', 'Victims by sector', f.sectors, 'No victims with a sector.', table(['Sector', ['Victims', 'n'], ['Share', 'n']], `<tbody>${sectorRows}</tbody>`, 'key'))}
${figure('fig-timeline', 'Sightings and new victims per month', f.timeline, 'No sightings with a time.', table(['Month', ['Sightings', 'n'], ['New victims', 'n']], `<tbody>${monthRows}</tbody>`, 'key'))}
${figure('fig-builds', 'Builds per compile year', f.builds, 'No builds with a usable compile time.', table(['Year', ['Builds', 'n']], `<tbody>${yearRows}</tbody>`, 'key'))}
${figure('fig-hours', 'Build times by hour of the week (UTC)', f.hours, 'No usable build times.', `<p class="note">${num(usable, '#samples')} usable build times. ${a('#authorship', 'Authorship')} gives the fit.</p>`)}
${figure('fig-overlap', 'Overlap with other campaigns', f.overlap, 'No victims or indicators shared with other campaigns in this case.', stats.overlap.length > 0 ? table(['Campaign', ['Shared victims', 'n'], ['Shared indicators', 'n']], `<tbody>${overlapRows}</tbody>`, 'key') : '')}
</section>`;
}

const VICTIM_HEAD: (string | [string, 'n'])[] = ['Source', 'Host ids', 'Country', 'Organisation', 'Sector', 'First seen', 'Last seen', ['Sightings', 'n']];

/** A row marked to be left off paper when it is past the group's printed rows. */
function printable(rows: string[], keep: number): string {
  return rows.map((r, i) => (i < keep ? r : r.replace(/^<tr>/, '<tr class="more">'))).join('\n');
}

/** Said on paper when a group prints fewer rows than the page shows. */
function printedNote(shown: number, keep: number): string {
  return shown > keep ? `<span class="print-only"> (the first ${keep} printed)</span>` : '';
}

function victimRow(v: Victim): string {
  const hostIds = v.hostIds.length > 3 ? `${v.hostIds.slice(0, 3).join(', ')} +${v.hostIds.length - 3}` : v.hostIds.join(', ');
  const org = v.organisation !== null ? `${text(v.organisation)}${v.asn !== null ? ` (AS${v.asn})` : ''}` : v.asn !== null ? `AS${v.asn}` : '—';
  const country = v.country !== null ? `${escapeHtml(v.country)}${v.countryName ? ` ${text(v.countryName)}` : ''}` : '—';
  return `<tr><td class="mono addr">${text(v.src)}</td><td class="mono">${text(hostIds)}</td><td>${country}</td><td>${org}</td><td>${text(v.sector)}</td><td class="t">${formatTime(v.firstSeen)}</td><td class="t">${formatTime(v.lastSeen)}</td><td class="n">${formatCount(v.sightings)}</td></tr>`;
}

function victimsSection(p: PageParts): string {
  const { input, anchors } = p;
  const stats = input.stats;
  const countryName = new Map(stats.victims.byCountry.map((c) => [c.code, c.name]));
  const byCountry = groupRows(input.victims, (v) => v.country ?? '', {
    budget: VICTIM_ROWS, minPerGroup: MIN_ROWS_PER_GROUP, order: [...stats.victims.byCountry.map((c) => c.code)],
  });
  // Victims without a country come last.
  byCountry.sort((x, y) => (x.key === '' ? 1 : 0) - (y.key === '' ? 1 : 0));
  const countryBodies = byCountry.map((g) => {
    const code = g.key === '' ? null : g.key;
    const name = code === null ? 'Country unknown' : `${text(countryName.get(code) ?? g.shown[0]?.countryName ?? code)} (${escapeHtml(code)})`;
    return `<tbody id="${anchors.country(code)}"><tr><th colspan="8">${name}: ${formatCount(g.total)} victim${g.total === 1 ? '' : 's'}${showing(g, 'victims.csv')}${printedNote(g.shown.length, PRINT_ROWS_PER_GROUP)}</th></tr>\n${printable(g.shown.map(victimRow), PRINT_ROWS_PER_GROUP)}</tbody>`;
  });
  const bySector = groupRows(input.victims, (v) => v.sector, {
    budget: SECTOR_ROWS, minPerGroup: MIN_ROWS_PER_GROUP, order: stats.victims.bySector.map((s) => s.sector),
  });
  const sectorBodies = bySector.map((g) =>
    `<tbody id="${anchors.sector(g.key)}"><tr><th colspan="8">${text(g.key)}: ${formatCount(g.total)} victim${g.total === 1 ? '' : 's'}${showing(g, 'victims.csv')}${printedNote(g.shown.length, PRINT_ROWS_PER_SECTOR)}</th></tr>\n${printable(g.shown.map(victimRow), PRINT_ROWS_PER_SECTOR)}</tbody>`);
  const orgRows = stats.victims.byOrganisation.slice(0, LIST_ROWS).map((o) =>
    `<tr><td>${text(o.organisation)}</td><td>${o.asn !== null ? `AS${o.asn}` : '—'}</td><td class="n">${formatCount(o.count)}</td></tr>`).join('\n');
  const excluded = stats.excluded;
  return `<section id="victims"><h2>Victims</h2>
<p>${formatCount(stats.victims.count)} victims: distinct source hosts behind the campaign's sightings${stats.victims.hostIds !== null ? `, carrying ${formatCount(stats.victims.hostIds)} distinct implant host ids` : ''}. Not counted as victims: ${plural(excluded.crawlers, 'crawler', 'crawlers')} and ${plural(excluded.scanners, 'research scanner', 'research scanners')}. Every victim is in ${a('victims.csv', 'victims.csv')}; the page shows the ones with the most sightings in each group.</p>
<h3 id="victims-by-country">By country</h3>
${table(VICTIM_HEAD, countryBodies.join('\n'))}
<h3 id="victims-by-sector">By sector</h3>
${table(VICTIM_HEAD, sectorBodies.join('\n'))}
<h3 id="victims-by-organisation">By organisation</h3>
${table(['Organisation', 'ASN', ['Victims', 'n']], `<tbody>${orgRows}</tbody>`, 'key')}
</section>`;
}

function indicatorsSection(stats: CampaignStats): string {
  const ind = stats.indicators;
  const types = Object.keys(ind.byType).sort().map((t) => `${escapeHtml(t)} ${formatCount(ind.byType[t]!)}`).join(', ');
  const rows = ind.top.slice(0, LIST_ROWS).map((t) =>
    `<tr><td>${escapeHtml(t.type)}</td><td class="mono">${text(t.value)}</td><td class="n">${formatCount(t.sightings)}</td><td class="n">${formatCount(t.victims)}</td></tr>`).join('\n');
  return `<section id="indicators"><h2>Indicators</h2>
<p>${formatCount(ind.total)} indicators (${types || 'none'}); ${formatCount(ind.sighted)} sighted.</p>
${ind.top.length > 0 ? table(['Type', 'Value', ['Sightings', 'n'], ['Victims', 'n']], `<tbody>${rows}</tbody>`) : ''}
</section>`;
}

function evidenceCell(s: Sighting): string {
  const e = s.evidence;
  let where = e.path;
  if (e.line !== undefined) where += `:${e.line}`;
  else if (e.packet !== undefined) where += ` packet ${e.packet}`;
  if (e.inside !== undefined) where += `!${e.inside}`;
  return text(where);
}

function sightingsSection(p: PageParts): string {
  const { input, digest, anchors } = p;
  const months = [...digest.shown.keys()].sort((x, y) => (x === null ? 1 : y === null ? -1 : x < y ? -1 : x > y ? 1 : 0));
  const bodies = months.map((m) => {
    const rows = digest.shown.get(m)!;
    const total = digest.monthTotals.get(m) ?? rows.length;
    const cut = rows.length < total ? ` — the first ${formatCount(rows.length)} shown; all in ${a('sightings.csv', 'sightings.csv')}` : '';
    return `<tbody id="${anchors.month(m)}"><tr><th colspan="7">${m === null ? 'No time' : escapeHtml(m)}: ${plural(total, 'sighting', 'sightings')}${cut}${printedNote(rows.length, PRINT_ROWS_PER_GROUP)}</th></tr>\n${printable(rows.map((s) =>
      `<tr><td class="t">${formatTime(s.ts)}</td><td class="mono">${escapeHtml(s.indicator.type)}:${text(s.indicator.value)}</td><td class="mono">${text(s.matched)}</td><td>${text(s.field)}</td><td class="mono addr">${text(s.src)}</td><td class="mono addr">${text(s.dst)}</td><td class="mono">${evidenceCell(s)}</td></tr>`), PRINT_ROWS_PER_GROUP)}</tbody>`;
  });
  return `<section id="sightings"><h2>Sightings</h2>
<p>${formatCount(input.sightingsTotal)} sightings; the first of each month are shown, every one is in ${a('sightings.csv', 'sightings.csv')}.</p>
${table(['Time', 'Indicator', 'Matched', 'Field', 'Source', 'Destination', 'Evidence'], bodies.join('\n'))}
</section>`;
}

function buildsSection(p: PageParts): string {
  const b = p.input.stats.builds;
  const setAside = Object.entries(b.setAside).filter(([, n]) => (n ?? 0) > 0).map(([k, n]) => `${escapeHtml(k)} ${formatCount(n!)}`).join(', ');
  const years = b.byYear.map((y) => `<tr><td>${y.year}</td><td class="n">${num(y.count, `#${p.anchors.year(String(y.year))}`)}</td></tr>`).join('\n');
  const variants = b.variants.slice(0, LIST_ROWS).map((v) =>
    `<tr><td class="mono">${text(v.imphash)}</td><td class="mono">${text(v.rich)}</td><td class="mono">${text(v.pdb)}</td><td class="n">${formatCount(v.count)}</td><td>${formatTime(v.first)}</td><td>${formatTime(v.last)}</td></tr>`).join('\n');
  return `<section id="builds"><h2>Builds</h2>
<p>${formatCount(b.count)} builds from ${formatTime(b.earliest)} to ${formatTime(b.latest)}${b.lastThreeYearsShare !== null ? `; ${formatShare(b.lastThreeYearsShare)} in the last three years` : ''}. Set aside as unusable compile times: ${setAside || 'none'} (${formatCount(b.anomalous)} anomalous).</p>
${table(['Year', ['Builds', 'n']], `<tbody>${years}</tbody>`, 'key')}
${b.variants.length > 0 ? `<h3>Variants</h3>\n${table(['Imphash', 'Rich', 'PDB', ['Builds', 'n'], 'First', 'Last'], `<tbody>${variants}</tbody>`)}` : ''}
</section>`;
}

function authorshipSection(stats: CampaignStats): string {
  const au = stats.authorship;
  const fit = au.utcOffset !== null
    ? `Build times fit a working week (Mon–Fri 08:00–18:00) at ${formatUtcOffset(au.utcOffset)}${au.score !== null ? `, score ${formatScore(au.score)}` : ''}${au.insideWindowShare !== null ? `, ${formatShare(au.insideWindowShare)} of builds inside the window` : ''}${au.interval ? `; plausible from ${formatUtcOffset(au.interval[0])} to ${formatUtcOffset(au.interval[1])}` : ''}.`
    : `No offset named: ${escapeHtml(au.declined ?? 'no fit')}.`;
  const alternatives = au.alternatives.length > 0 ? ` Alternatives: ${au.alternatives.map((x) => `${formatUtcOffset(x.utcOffset)} (${formatScore(x.score)})`).join(', ')}.` : '';
  const candidates = [...au.candidates].sort((x, y) => y.score - x.score).slice(0, 10).map((c) =>
    `<tr><td>${formatUtcOffset(c.utcOffset)}</td><td class="n">${formatShare(c.insideWindowShare)}</td><td class="n">${c.logLikelihood.toFixed(1)}</td><td class="n">${formatScore(c.score)}</td></tr>`).join('\n');
  const langs = au.languages.map((l) => `${l.lang} (${formatCount(l.count)})`).join(', ');
  const pages = au.codePages.map((c) => `${c.codePage} (${formatCount(c.count)})`).join(', ');
  const pdbs = au.pdbPaths.slice(0, LIST_ROWS).map((x) => `<tr><td class="mono">${text(x.path)}</td><td class="n">${formatCount(x.count)}</td></tr>`).join('\n');
  return `<section id="authorship"><h2>Authorship</h2>
<p>${fit}${alternatives} The ${a('#fig-hours', 'hour-of-week figure')} shows the build times and the fitted window.</p>
${candidates ? table(['UTC offset', ['Inside window', 'n'], ['Log-likelihood', 'n'], ['Score', 'n']], `<tbody>${candidates}</tbody>`, 'key') : ''}
<p>Resource languages (Windows LANGID): ${langs || 'none'}. Code pages: ${pages || 'none'}.</p>
${au.pdbPaths.length > 0 ? table(['PDB path', ['Samples', 'n']], `<tbody>${pdbs}</tbody>`) : ''}
</section>`;
}

function overlapSection(p: PageParts): string {
  const { stats, victims } = p.input;
  if (stats.overlap.length === 0) return `<section id="overlap"><h2>Overlap</h2><p>No victims or indicators shared with other campaigns in this case.</p></section>`;
  const bySrc = new Map<string, Victim>();
  const wanted = new Set(stats.overlap.flatMap((o) => o.victims.slice(0, LIST_ROWS)));
  for (const v of victims) if (wanted.has(v.src)) bySrc.set(v.src, v);
  const parts = stats.overlap.map((o) => {
    const rows = o.victims.slice(0, LIST_ROWS).map((src) => {
      const v = bySrc.get(src);
      return v ? victimRow(v) : `<tr><td class="mono">${text(src)}</td><td colspan="7">—</td></tr>`;
    }).join('\n');
    const inds = o.indicators.slice(0, LIST_ROWS).map((i) => `<span class="mono">${text(i)}</span>`).join(', ');
    return `<h3 id="${p.anchors.overlap(o.campaign)}">${text(o.campaign)}: ${formatCount(o.sharedVictims)} shared victims, ${formatCount(o.sharedIndicators)} shared indicators</h3>
${o.victims.length > 0 ? table(VICTIM_HEAD, `<tbody>${rows}</tbody>`) : ''}
${o.indicators.length > 0 ? `<p>Shared indicators: ${inds}${o.indicators.length > LIST_ROWS ? ' …' : ''}</p>` : ''}`;
  });
  return `<section id="overlap"><h2>Overlap</h2>\n${parts.join('\n')}\n</section>`;
}

function sampleRow(s: SampleRecord): string {
  const pe = peFactsOf(s);
  const paths = s.paths.slice(0, 5).map((x) => text(x)).join('<br>') + (s.paths.length > 5 ? `<br>+${s.paths.length - 5} more` : '');
  const time = pe.timestamp !== null ? `${formatTime(pe.timestamp)}${pe.timeAnomalies.length > 0 ? ` (${pe.timeAnomalies.map((x) => escapeHtml(x)).join(', ')})` : ''}` : '—';
  return `<tr><td class="mono">${text(s.sha256)}</td><td class="mono">${paths || '—'}</td><td>${time}</td><td class="mono">${text(pe.imphash)}</td><td>${s.yara.map((y) => text(y)).join(', ') || '—'}</td></tr>`;
}

function samplesSection(p: PageParts): string {
  const samples = [...p.input.samples].sort((x, y) => {
    const a1 = peFactsOf(x).timestamp ?? '~';
    const b1 = peFactsOf(y).timestamp ?? '~';
    return a1 < b1 ? -1 : a1 > b1 ? 1 : x.sha256 < y.sha256 ? -1 : x.sha256 > y.sha256 ? 1 : 0;
  });
  const groups = groupRows(samples, compileYear, { budget: SAMPLE_ROWS, minPerGroup: MIN_ROWS_PER_GROUP });
  groups.sort((x, y) => (x.key === 'unknown' ? 1 : 0) - (y.key === 'unknown' ? 1 : 0));
  const bodies = groups.map((g) =>
    `<tbody id="${p.anchors.year(g.key)}"><tr><th colspan="5">${g.key === 'unknown' ? 'No compile time' : `Compiled ${escapeHtml(g.key)}`}: ${formatCount(g.total)} sample${g.total === 1 ? '' : 's'}${showing(g, 'samples.csv')}${printedNote(g.shown.length, PRINT_ROWS_PER_GROUP)}</th></tr>\n${printable(g.shown.map(sampleRow), PRINT_ROWS_PER_GROUP)}</tbody>`);
  return `<section id="samples"><h2>Samples</h2>
<p>${formatCount(samples.length)} samples, by compile time (the PE header's TimeDateStamp; set-aside values are marked). Every one is in ${a('samples.csv', 'samples.csv')}.</p>
${samples.length > 0 ? table(['SHA-256', 'Paths', 'Compile time', 'Imphash', 'YARA rules'], bodies.join('\n')) : ''}
</section>`;
}

function evidenceSection(p: PageParts): string {
  const rows = [...p.input.evidence].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0)).map((e) =>
    `<tr><td class="mono">${text(e.path)}</td><td>${text(e.format)}</td><td class="mono">${text(e.sha256)}</td><td class="n">${formatCount(e.size)}</td><td class="n">${formatCount(e.records)}</td><td class="n">${formatCount(e.skipped)}</td><td>${text(e.huntedAt)}</td><td class="n">${formatCount(p.digest.perEvidence.get(e.path) ?? 0)}</td></tr>`).join('\n');
  return `<section id="evidence"><h2>Evidence</h2>
<p>The ${formatCount(p.input.evidence.length)} evidence files of the case, the sources of this report.</p>
${table(['Path', 'Format', 'SHA-256', ['Bytes', 'n'], ['Records', 'n'], ['Skipped', 'n'], 'Hunted', ['Sightings', 'n']], `<tbody>${rows}</tbody>`)}
</section>`;
}

function intelSection(input: ReportInput): string {
  const items = input.intelSources.map((s) => `<li class="mono">${text(s)}</li>`).join('\n');
  return `<section id="intel"><h2>Intel sources</h2>
${items ? `<ul>\n${items}\n</ul>` : '<p>None recorded.</p>'}
</section>`;
}

function creditsSection(input: ReportInput): string {
  const credits = [
    ...input.credits,
    'Map: Natural Earth 1:110m country boundaries (public domain), via world-atlas; projected with d3-geo.',
    'Charts: Apache ECharts, rendered to SVG when the report was made.',
  ];
  return `<section id="credits"><h2>Credits</h2>
<ul>\n${credits.map((c) => `<li>${linkify(c)}</li>`).join('\n')}\n</ul>
<p class="note">Files beside this page: ${['report.json', 'bundle.stix.json', 'victims.csv', 'sightings.csv', 'samples.csv'].map((f) => a(f, f)).join(', ')}.</p>
</section>`;
}

/** Escapes a credit line and makes its https URLs links (attribution licences ask for the link). */
function linkify(s: string): string {
  return s.split(/(https:\/\/[^\s<>"')]+[^\s<>"').,;:])/).map((part, i) =>
    i % 2 === 1 ? a(part, escapeHtml(part)) : escapeHtml(part)).join('');
}
