/** `campaign stats` and `victims` as text for people: every value from evidence or intel made safe for a terminal. */
import type { CampaignStats, Victim } from '../../index.js';
import { formatTable, safeText } from '../output.js';

const pct = (share: number): string => `${Math.round(share * 100)}%`;
const offset = (h: number): string => {
  const sign = h < 0 ? '−' : '+';
  const a = Math.abs(h);
  const m = Math.round((a % 1) * 60);
  return `UTC${sign}${Math.floor(a)}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
};
const list = <T>(items: readonly T[], n: number, f: (x: T) => string): string =>
  items.length === 0 ? 'none' : items.slice(0, n).map(f).join(', ') + (items.length > n ? `, … (${items.length - n} more)` : '');

export function formatStatsText(s: CampaignStats): string {
  const v = s.victims;
  const lines: string[] = [safeText(s.campaign)];
  const hostIds = v.hostIds === null ? 'no implant host ids in the beacons' : `${v.hostIds} distinct implant host id(s)`;
  lines.push(`  victims: ${v.count} source address(es) (${hostIds}) in ${v.countries} countr${v.countries === 1 ? 'y' : 'ies'}` +
    (s.excluded.crawlers || s.excluded.scanners ? `; counted apart: ${s.excluded.crawlers} crawler(s), ${s.excluded.scanners} scanner(s)` : ''));
  lines.push(`  countries: ${list(v.byCountry, 10, (c) => `${c.code} ${safeText(c.name)} ${c.count} (${pct(c.share)})`)}`);
  lines.push(`  sectors: ${list(v.bySector, 8, (c) => `${safeText(c.sector)} ${c.count} (${pct(c.share)})`)}`);
  lines.push(`  organisations: ${list(v.byOrganisation, 5, (o) => `${safeText(o.organisation || '?')}${o.asn !== null ? ` (AS${o.asn})` : ''} ${o.count}`)}`);
  const t = s.timeline;
  const busiest = [...t.byMonth].sort((a, b) => b.sightings - a.sightings)[0];
  lines.push(`  seen: ${t.firstSeen ?? '-'} … ${t.lastSeen ?? '-'}` +
    (busiest ? `; busiest month ${busiest.month} (${busiest.sightings} sightings, ${busiest.newVictims} new victims)` : ''));
  const i = s.indicators;
  lines.push(`  indicators: ${i.sighted} of ${i.total} sighted (${list(Object.entries(i.byType), 12, ([k, n]) => `${k} ${n}`)}); ` +
    `most sighted: ${list(i.top, 5, (x) => `${safeText(x.value)} (${x.sightings})`)}`);
  const b = s.builds;
  const aside = Object.entries(b.setAside).map(([k, n]) => `${k} ${n}`).join(', ');
  lines.push(`  builds: ${b.count}${b.anomalous ? ` (${b.anomalous} set aside: ${aside})` : ''}` +
    (b.earliest ? `, ${b.earliest.slice(0, 10)} … ${(b.latest ?? '').slice(0, 10)}` : '') +
    (b.lastThreeYearsShare !== null ? `, ${pct(b.lastThreeYearsShare)} in the last three years` : '') +
    `; ${b.variants.length} variant(s)`);
  const a = s.authorship;
  if (a.utcOffset !== null) {
    const alt = a.alternatives[0];
    lines.push(`  authorship: working hours fit ${offset(a.utcOffset)} (score ${a.score?.toFixed(2)}` +
      (a.interval ? `, interval ${offset(a.interval[0])} … ${offset(a.interval[1])}` : '') +
      (a.insideWindowShare !== null ? `, ${pct(a.insideWindowShare)} of builds Mon–Fri 08:00–18:00 local` : '') + ')' +
      (alt ? `; runner-up ${offset(alt.utcOffset)} (${alt.score.toFixed(2)})` : ''));
  } else {
    lines.push(`  authorship: no offset named: ${safeText(a.declined ?? 'no usable builds')}`);
  }
  if (a.languages.length) lines.push(`  resource languages (a hint only): ${list(a.languages, 6, (l) => `${l.lang} ×${l.count}`)}`);
  lines.push(`  overlap: ${list(s.overlap, 6, (o) => `${safeText(o.campaign)} (${o.sharedVictims} victim(s), ${o.sharedIndicators} indicator(s))`)}`);
  return lines.join('\n') + '\n';
}

export function formatVictimsTable(rows: readonly (Victim & { campaign?: string })[], withCampaign: boolean): string {
  const header = [...(withCampaign ? ['CAMPAIGN'] : []), 'SRC', 'HOST IDS', 'COUNTRY', 'ORGANISATION', 'SECTOR', 'FIRST SEEN', 'LAST SEEN', 'SIGHTINGS'];
  return formatTable(header, rows.map((v) => [
    ...(withCampaign ? [safeText(v.campaign ?? '')] : []),
    safeText(v.src), v.hostIds.map(safeText).join(' '), v.country ?? '-',
    safeText(v.organisation ?? '-') + (v.asn !== null ? ` (AS${v.asn})` : ''), safeText(v.sector),
    v.firstSeen ?? '-', v.lastSeen ?? '-', String(v.sightings),
  ]));
}
