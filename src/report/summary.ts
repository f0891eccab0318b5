/**
 * The written summary: the stats said in sentences, each number a link to
 * the rows behind it. Kept as parts (text and links) so the page renders it
 * as HTML and the STIX report carries the same words as plain text.
 */
import type { CampaignStats } from '../analytics/types.js';
import type { Anchors } from './anchors.js';
import { escapeHtml } from './escape.js';
import { formatCount, formatScore, formatShare, formatUtcOffset } from './format.js';

export type Part = string | { text: string; href: string };
export type Sentence = Part[];

/** How many countries and sectors the summary names. */
const NAMED_COUNTRIES = 3;
const NAMED_SECTORS = 4;

function link(text: string, anchor: string): Part {
  return { text, href: `#${anchor}` };
}

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** Joins lists of parts as "A, B and C". */
function andParts(items: Part[][]): Part[] {
  const out: Part[] = [];
  items.forEach((item, i) => {
    if (i > 0) out.push(i === items.length - 1 ? ' and ' : ', ');
    out.push(...item);
  });
  return out;
}

export function summarize(stats: CampaignStats, sightingsTotal: number, anchors: Anchors): Sentence[] {
  const out: Sentence[] = [];
  const v = stats.victims;

  const victims: Sentence = [link(plural(v.count, 'victim', 'victims'), 'victims'), ' in ', link(plural(v.countries, 'country', 'countries'), 'fig-map')];
  const top = v.byCountry.filter((c) => c.count > 0).slice(0, NAMED_COUNTRIES);
  if (top.length > 0) {
    victims.push('; most in ', ...andParts(top.map((c) => [link(c.name || c.code, anchors.country(c.code)), ` (${formatCount(c.count)})`])));
  }
  victims.push('.');
  out.push(victims);

  if (v.hostIds !== null) out.push(['Their beacons carried ', link(plural(v.hostIds, 'distinct implant host id', 'distinct implant host ids'), 'victims'), '.']);

  const sectors = v.bySector.filter((s) => s.count > 0).slice(0, NAMED_SECTORS);
  if (sectors.length > 0) {
    const [first, ...rest] = sectors;
    const s: Sentence = [link(`${formatShare(first!.share)} ${first!.sector}`, anchors.sector(first!.sector))];
    if (rest.length > 0) s.push(', then ', ...andParts(rest.map((r) => [link(`${formatShare(r.share)} ${r.sector}`, anchors.sector(r.sector))])));
    s.push('.');
    out.push(s);
  }

  const t = stats.timeline;
  if (sightingsTotal > 0) {
    const s: Sentence = [link(plural(sightingsTotal, 'sighting', 'sightings'), 'sightings')];
    if (t.firstSeen !== null && t.lastSeen !== null) {
      s.push(' from ', link(t.firstSeen.slice(0, 10), anchors.month(t.firstSeen.slice(0, 7))),
        ' to ', link(t.lastSeen.slice(0, 10), anchors.month(t.lastSeen.slice(0, 7))));
    }
    s.push('.');
    out.push(s);
  }

  const b = stats.builds;
  const firstYear = b.byYear.length > 0 ? Math.min(...b.byYear.map((y) => y.year)) : null;
  if (firstYear !== null) {
    const s: Sentence = ['Builds from ', link(String(firstYear), anchors.year(String(firstYear)))];
    if (b.lastThreeYearsShare !== null) s.push(', ', link(formatShare(b.lastThreeYearsShare), 'builds'), ' in the last three years');
    s.push('.');
    out.push(s);
  } else if (b.count > 0) {
    out.push([link(plural(b.count, 'build', 'builds'), 'builds'), ', none with a usable compile time.']);
  }

  const a = stats.authorship;
  if (a.utcOffset !== null) {
    const score = a.score !== null ? ` (score ${formatScore(a.score)})` : '';
    out.push(['Working hours fit ', link(`${formatUtcOffset(a.utcOffset)}${score}`, 'authorship'), '.']);
  } else if (a.declined !== null) {
    out.push([link('No working-hours fit', 'authorship'), `: ${a.declined.replace(/[.\s]+$/, '')}.`]);
  }

  const shared = stats.overlap.filter((o) => o.sharedVictims > 0);
  if (shared.length > 0) {
    out.push([...andParts(shared.map((o, i) => [
      link(i === 0 ? plural(o.sharedVictims, 'victim', 'victims') : formatCount(o.sharedVictims), anchors.overlap(o.campaign)),
      `${i === 0 ? ' shared' : ''} with ${o.campaign}`,
    ])), '.']);
  }
  return out;
}

export function sentenceText(s: Sentence): string {
  return s.map((p) => (typeof p === 'string' ? p : p.text)).join('');
}

export function sentenceHtml(s: Sentence): string {
  return s.map((p) => (typeof p === 'string' ? escapeHtml(p) : `<a href="${escapeHtml(p.href)}">${escapeHtml(p.text)}</a>`)).join('');
}
