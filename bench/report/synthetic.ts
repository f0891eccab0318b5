/**
 * A seeded synthetic campaign for the report benchmark: victims with a
 * heavy tail of sightings, sightings in time order generated as they are
 * read (never held), indicators, evidence files, samples and the stats that
 * agree with them.
 */
import type { IndicatorType, Sighting } from '../../src/core/model.js';
import type { SampleRecord, StoredEvidence } from '../../src/store/store.js';
import type { CampaignStats, Victim } from '../../src/analytics/types.js';
import type { ReportIndicator, ReportInput } from '../../src/report/index.js';
import { prng, randomDomain, randomHex } from '../prng.js';

export const INDICATORS = 300;
export const EVIDENCE = 200;
export const SAMPLES = 2000;
const ORGANISATIONS = 5000;
const START = Date.UTC(2010, 0, 1);
const END = Date.UTC(2013, 5, 1);

const COUNTRIES: [string, string][] = [
  ['MN', 'Mongolia'], ['RU', 'Russia'], ['IN', 'India'], ['KZ', 'Kazakhstan'], ['KG', 'Kyrgyzstan'], ['CN', 'China'],
  ['TJ', 'Tajikistan'], ['KR', 'South Korea'], ['ES', 'Spain'], ['DE', 'Germany'], ['US', 'United States'], ['CA', 'Canada'],
  ['GB', 'United Kingdom'], ['CL', 'Chile'], ['MA', 'Morocco'], ['GR', 'Greece'], ['BE', 'Belgium'], ['AT', 'Austria'],
  ['UA', 'Ukraine'], ['LT', 'Lithuania'], ['BY', 'Belarus'], ['AU', 'Australia'], ['HK', 'Hong Kong'], ['JP', 'Japan'],
  ['IR', 'Iran'], ['TR', 'Turkey'], ['JO', 'Jordan'], ['TM', 'Turkmenistan'], ['UZ', 'Uzbekistan'], ['AZ', 'Azerbaijan'],
  ['PK', 'Pakistan'], ['AF', 'Afghanistan'], ['TH', 'Thailand'], ['QA', 'Qatar'], ['SG', 'Singapore'], ['BH', 'Bahrain'],
  ['SI', 'Slovenia'], ['SK', 'Slovakia'], ['PL', 'Poland'], ['FR', 'France'],
];
const SECTORS = ['diplomatic', 'government', 'research', 'energy', 'military', 'education', 'telecommunications', 'unknown'];
const SECTOR_WEIGHTS = [32, 20, 14, 9, 7, 6, 4, 8];

function weighted(r: () => number, weights: number[]): number {
  const total = weights.reduce((s, w) => s + w, 0);
  let x = r() * total;
  for (let i = 0; i < weights.length; i++) if ((x -= weights[i]!) < 0) return i;
  return weights.length - 1;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function syntheticReport(victimCount: number, sightingCount: number): { input: Omit<ReportInput, 'sightings'>; stream: () => AsyncIterable<Sighting> } {
  const VICTIMS = victimCount;
  const SIGHTINGS = sightingCount;
  const r = prng(20130604);
  const countryWeights = COUNTRIES.map((_, i) => 1 / (i + 1));
  const orgs = Array.from({ length: ORGANISATIONS }, (_, i) => ({
    name: `Organisation ${i}`, asn: 64512 + (i % 1000), country: weighted(r, countryWeights), sector: weighted(r, SECTOR_WEIGHTS),
  }));

  const indicators: ReportIndicator[] = [];
  for (let i = 0; i < INDICATORS; i++) {
    const type: IndicatorType = i < 200 ? 'domain' : i < 260 ? 'ipv4' : i < 280 ? 'url' : 'sha256';
    const value = type === 'domain' ? randomDomain(r, i) : type === 'ipv4' ? `198.18.${i >> 8}.${i & 255}`
      : type === 'url' ? `http://${randomDomain(r, i)}/nt/travlerbackinfo.asp` : randomHex(r, 64);
    indicators.push({ type, value, campaigns: ['NetTraveler'], sources: ['bench-intel.txt'], warninglist: null });
  }

  // Which victim each sighting comes from (a heavy tail: a few noisy hosts, many quiet ones) and which indicator it hit.
  const counts = new Uint32Array(VICTIMS);
  let assigned = 0;
  for (let v = 0; v < VICTIMS; v++) { counts[v] = 1; assigned++; }
  while (assigned < SIGHTINGS) { counts[Math.floor(VICTIMS * r() ** 3)]!++; assigned++; }
  const victimOf = new Uint32Array(SIGHTINGS);
  for (let v = 0, j = 0; v < VICTIMS; v++) for (let k = 0; k < counts[v]!; k++) victimOf[j++] = v;
  for (let j = SIGHTINGS - 1; j > 0; j--) {
    const k = Math.floor(r() * (j + 1));
    const t = victimOf[j]!; victimOf[j] = victimOf[k]!; victimOf[k] = t;
  }
  const indicatorOf = new Uint16Array(SIGHTINGS);
  for (let j = 0; j < SIGHTINGS; j++) indicatorOf[j] = Math.floor(INDICATORS * r() ** 2);
  const timeOf = (j: number) => START + Math.floor((j * (END - START)) / SIGHTINGS);

  const first = new Float64Array(VICTIMS).fill(Infinity);
  const last = new Float64Array(VICTIMS).fill(-Infinity);
  const hit = new Map<number, Set<number>>();
  for (let j = 0; j < SIGHTINGS; j++) {
    const v = victimOf[j]!;
    const t = timeOf(j);
    if (t < first[v]!) first[v] = t;
    if (t > last[v]!) last[v] = t;
    let s = hit.get(v);
    if (!s) hit.set(v, (s = new Set()));
    s.add(indicatorOf[j]!);
  }
  const srcOf = (v: number) => `10.${(v >> 16) & 255}.${(v >> 8) & 255}.${v & 255}`;
  const victims: Victim[] = Array.from({ length: VICTIMS }, (_, v): Victim => {
    const org = orgs[v % ORGANISATIONS]!;
    const [code, name] = COUNTRIES[org.country]!;
    return {
      src: srcOf(v), hostIds: [`HOST-${v.toString(36).toUpperCase()}`], country: code, countryName: name, asn: org.asn,
      organisation: org.name, sector: SECTORS[org.sector]!, enrichedBy: 'geoip', firstSeen: iso(first[v]!), lastSeen: iso(last[v]!),
      sightings: counts[v]!, indicators: [...hit.get(v)!].map((i) => `${indicators[i]!.type}:${indicators[i]!.value}`).sort(),
    };
  }).sort((a, b) => b.sightings - a.sightings || (a.src < b.src ? -1 : 1));

  const evidence: StoredEvidence[] = Array.from({ length: EVIDENCE }, (_, i) => ({
    id: i + 1, path: `logs/dns-${String(i).padStart(3, '0')}.log`, sha256: randomHex(r, 64), format: 'zeek-dns',
    size: 50_000_000, lines: 400_000, records: 400_000, skipped: 0, huntedAt: '2026-01-14T09:00:00.000Z', mtimeMs: 0, families: ['zeek'],
  }));
  const samples: SampleRecord[] = Array.from({ length: SAMPLES }, (_, i) => {
    const ts = Date.UTC(2005 + Math.floor(8.5 * r() ** 0.5), Math.floor(12 * r()), 1 + Math.floor(28 * r()), Math.floor(10 * r()), Math.floor(60 * r()));
    return {
      sha256: randomHex(r, 64), md5: randomHex(r, 32), sha1: randomHex(r, 40), size: 40_000 + i, type: 'pe',
      paths: [`samples/${i}/netmgr.exe`], campaigns: ['NetTraveler'], yara: i % 3 === 0 ? ['NetTraveler_Marker'] : [],
      pe: { timestamp: iso(ts), imphash: randomHex(r, 32), pdb: null, anomalies: [] },
    };
  });

  const stats = statsOf(victims, samples, indicators, timeOf, victimOf, indicatorOf);
  const stream = async function* (): AsyncIterable<Sighting> {
    const lines = new Uint32Array(EVIDENCE);
    for (let j = 0; j < SIGHTINGS; j++) {
      const ind = indicators[indicatorOf[j]!]!;
      const e = j % EVIDENCE;
      yield {
        indicator: { type: ind.type, value: ind.value, campaigns: ['NetTraveler'] },
        matched: ind.value, field: ind.type === 'url' ? 'http.url' : ind.type === 'ipv4' ? 'conn.resp_h' : ind.type === 'sha256' ? 'file.sha256' : 'dns.query',
        ts: iso(timeOf(j)), src: srcOf(victimOf[j]!), dst: '192.0.2.53',
        evidence: { path: evidence[e]!.path, format: 'zeek-dns', line: ++lines[e]! },
      };
    }
  };
  return {
    input: {
      stats, aliases: ['TravNet', 'Netfile'], victims, sightingsTotal: SIGHTINGS, samples, evidence, indicators,
      intelSources: ['bench-intel.txt'], tlp: 'amber', generatedAt: '2026-01-15T10:00:00.000Z',
      credits: ['IP geolocation by DB-IP (https://db-ip.com), licensed under CC BY 4.0.'], team: { name: 'Bench CERT' },
      published: { source: { title: 'Kaspersky Lab: The NetTraveler (aka \'Travnet\')', date: '2013-06-04' }, victims: 350, countries: 40, topCountries: ['MN', 'RU', 'IN', 'KZ', 'KG', 'CN', 'TJ', 'KR', 'ES', 'DE'], sectors: [{ sector: 'diplomatic', share: 0.32 }], buildsSince: 2005, overlap: [{ campaign: 'Red October', victims: 6 }] },
    },
    stream,
  };
}

function statsOf(
  victims: Victim[], samples: SampleRecord[], indicators: ReportIndicator[],
  timeOf: (j: number) => number, victimOf: Uint32Array, indicatorOf: Uint16Array,
): CampaignStats {
  const n = victims.length;
  const tally = (keys: string[]) => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  };
  const names = new Map(COUNTRIES);
  const months = new Map<string, { sightings: number; newVictims: number }>();
  for (let j = 0; j < victimOf.length; j++) {
    const k = iso(timeOf(j)).slice(0, 7);
    const e = months.get(k) ?? { sightings: 0, newVictims: 0 };
    e.sightings++;
    months.set(k, e);
  }
  for (const v of victims) months.get(v.firstSeen!.slice(0, 7))!.newVictims++;
  const hourOfWeek = new Array<number>(168).fill(0);
  const years = new Map<number, number>();
  for (const s of samples) {
    const d = new Date((s.pe as { timestamp: string }).timestamp);
    hourOfWeek[((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours()]!++;
    years.set(d.getUTCFullYear(), (years.get(d.getUTCFullYear()) ?? 0) + 1);
  }
  const perIndicator = new Uint32Array(indicators.length);
  for (const i of indicatorOf) perIndicator[i]!++;
  const byMonth = [...months].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([month, e]) => ({ month, ...e }));
  const shared = (k: number) => victims.filter((_, i) => i % k === 0).slice(0, 500).map((v) => v.src).sort();
  return {
    campaign: 'NetTraveler',
    victims: {
      count: n, hostIds: n, countries: new Set(victims.map((v) => v.country)).size,
      byCountry: tally(victims.map((v) => v.country!)).map(([code, c]) => ({ code, name: names.get(code)!, count: c, share: c / n })),
      bySector: tally(victims.map((v) => v.sector)).map(([sector, c]) => ({ sector, count: c, share: c / n })),
      byOrganisation: tally(victims.map((v) => `${v.asn}\t${v.organisation}`)).map(([k, c]) => ({ asn: Number(k.split('\t')[0]), organisation: k.split('\t')[1]!, count: c })),
    },
    excluded: { crawlers: 12, scanners: 3 },
    timeline: { firstSeen: iso(timeOf(0)), lastSeen: iso(timeOf(victimOf.length - 1)), byDay: [], byWeek: [], byMonth },
    indicators: {
      total: indicators.length, sighted: perIndicator.filter((c) => c > 0).length, byType: { domain: 200, ipv4: 60, url: 20, sha256: 20 },
      heldByType: { domain: 200, ipv4: 60, url: 20, sha256: 20 },
      top: indicators.map((ind, i) => ({ type: ind.type, value: ind.value, sightings: perIndicator[i]!, victims: 0 })).sort((a, b) => b.sightings - a.sightings).slice(0, 50),
    },
    builds: {
      count: samples.length, anomalous: 0, setAside: {}, earliest: '2005-01-01T00:00:00.000Z', latest: '2013-06-01T00:00:00.000Z',
      byYear: [...years].sort((a, b) => a[0] - b[0]).map(([year, count]) => ({ year, count })),
      lastThreeYearsShare: [...years].filter(([y]) => y >= 2011).reduce((s, [, c]) => s + c, 0) / samples.length,
      variants: [],
    },
    authorship: {
      utcOffset: 8, declined: null, insideWindowShare: 0.86, score: 0.9, interval: [7, 9], alternatives: [{ utcOffset: 9, score: 0.8 }],
      hourOfWeek, candidates: [], languages: [{ lang: 2052, count: samples.length }], codePages: [], pdbPaths: [],
    },
    overlap: [
      { campaign: 'Red October', sharedVictims: 500, victims: shared(7), sharedIndicators: 4, indicators: [] },
      { campaign: 'Lurid', sharedVictims: 500, victims: shared(11), sharedIndicators: 0, indicators: [] },
      { campaign: 'Icefog', sharedVictims: 500, victims: shared(13), sharedIndicators: 1, indicators: [] },
    ],
  };
}

