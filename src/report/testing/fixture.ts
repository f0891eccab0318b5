/**
 * A small, realistic ReportInput with known numbers: NetTraveler seen by 12
 * victims in 5 countries, 55 sightings over seven months, 10 builds from
 * 2005, two victims shared with Red October. An XSS probe sits in a domain
 * indicator, a sample's file name and a victim organisation. The derived
 * parts of the stats (timeline, victims' first/last seen and indicators)
 * are computed from the fixture's own sightings so they always agree.
 */
import type { Sighting, IndicatorType } from '../../core/model.js';
import type { SampleRecord, StoredEvidence } from '../../store/store.js';
import type { CampaignStats, Victim } from '../../analytics/types.js';
import type { ReportIndicator, ReportInput, Tlp } from '../types.js';
import { readFileSync } from 'node:fs';
import { checkPublished } from '../published.js';

export const XSS_PROBE = '<img src=x onerror=alert(1)>';
export const XSS_DOMAIN = `${XSS_PROBE}.example`;
export const XSS_FILE = `${XSS_PROBE}.exe`;
export const XSS_ORGANISATION = `${XSS_PROBE} Ministry`;
export const GENERATED_AT = '2026-01-15T10:00:00.000Z';
export const CAMPAIGN = 'NetTraveler';

export const PUBLISHED_PATH = new URL('../testdata/published-nettraveler.json', import.meta.url);

const YARA_SOURCE = `rule NetTraveler_Marker {
  meta:
    description = "NetTraveler beacon strings"
  strings:
    $a = "travlerbackinfo"
    $b = "?action=getcmd&hostid="
  condition:
    any of them
}
`;

interface VictimSpec {
  src: string; country: string | null; countryName: string | null; asn: number | null; organisation: string | null;
  sector: string; hostIds: string[]; sightings: number;
}

/** Sorted by sightings, most first, as the report expects them. */
const VICTIMS: VictimSpec[] = [
  { src: '192.0.2.10', country: 'MN', countryName: 'Mongolia', asn: 64496, organisation: 'Embassy of Atlantis in Ulaanbaatar', sector: 'diplomatic', hostIds: ['UB-EMB-01', 'UB-EMB-02'], sightings: 9 },
  { src: '192.0.2.11', country: 'MN', countryName: 'Mongolia', asn: 64496, organisation: 'Embassy of Atlantis in Ulaanbaatar', sector: 'diplomatic', hostIds: ['UB-EMB-03'], sightings: 7 },
  { src: '192.0.2.12', country: 'MN', countryName: 'Mongolia', asn: 64497, organisation: XSS_ORGANISATION, sector: 'government', hostIds: ['UB-MIN-01'], sightings: 6 },
  { src: '192.0.2.13', country: 'MN', countryName: 'Mongolia', asn: 64498, organisation: 'State Research Institute', sector: 'research', hostIds: ['UB-RES-01'], sightings: 5 },
  { src: '198.51.100.20', country: 'RU', countryName: 'Russia', asn: 64499, organisation: 'Consulate of Atlantis', sector: 'diplomatic', hostIds: ['RU-CON-01'], sightings: 5 },
  { src: '198.51.100.21', country: 'RU', countryName: 'Russia', asn: 64500, organisation: 'Federal Agency for Archives', sector: 'government', hostIds: ['RU-AGY-01'], sightings: 4 },
  { src: '198.51.100.22', country: 'RU', countryName: 'Russia', asn: null, organisation: null, sector: 'unknown', hostIds: [], sightings: 3 },
  { src: '203.0.113.30', country: 'IN', countryName: 'India', asn: 64501, organisation: 'High Commission of Atlantis', sector: 'diplomatic', hostIds: ['IN-HC-01'], sightings: 3 },
  { src: '203.0.113.31', country: 'IN', countryName: 'India', asn: 64502, organisation: 'Space Research Centre', sector: 'research', hostIds: ['IN-SRC-01'], sightings: 3 },
  { src: '203.0.113.40', country: 'KZ', countryName: 'Kazakhstan', asn: 64503, organisation: 'Ministry of Energy', sector: 'government', hostIds: ['KZ-MIN-01'], sightings: 2 },
  { src: '203.0.113.50', country: 'DE', countryName: 'Germany', asn: 64504, organisation: 'Embassy of Atlantis in Berlin', sector: 'diplomatic', hostIds: ['DE-EMB-01'], sightings: 2 },
  { src: '10.1.2.3', country: null, countryName: null, asn: null, organisation: null, sector: 'unknown', hostIds: ['LAB-01'], sightings: 1 },
];

const C2_DOMAINS = ['viprainru.com', 'vipmailru.com', 'ramb1er.com', 'www.faceboak.net', XSS_DOMAIN];
const C2_IP = '198.18.7.7';
const BEACON_URL = 'http://ramb1er.com/nt/travlerbackinfo.asp';

function hex(seed: number, len: number): string {
  let s = '';
  let x = seed * 2654435761 >>> 0;
  while (s.length < len) {
    x = (Math.imul(x ^ (x >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    s += x.toString(16).padStart(8, '0');
  }
  return s.slice(0, len);
}

/** Ten builds: 2005, 2009, 2011 ×2, 2012 ×3, 2013 ×3, on weekdays between 01:00 and 09:00 UTC (09:00–17:00 at UTC+8). */
const BUILD_TIMES = [
  '2005-03-14T02:30:00.000Z', '2009-07-07T03:10:00.000Z', '2011-02-01T01:45:00.000Z', '2011-09-15T06:20:00.000Z',
  '2012-01-10T04:00:00.000Z', '2012-06-05T02:15:00.000Z', '2012-11-05T08:40:00.000Z', '2013-01-08T03:05:00.000Z',
  '2013-03-12T05:50:00.000Z', '2013-04-16T07:25:00.000Z',
];

function samples(): SampleRecord[] {
  return BUILD_TIMES.map((timestamp, i) => {
    const path = i === 8 ? 'samples/netmgr.exe' : i === 9 ? `samples/mail.zip!${XSS_FILE}` : `samples/archive/nt-${timestamp.slice(0, 4)}-${i}.exe`;
    return {
      sha256: hex(i + 1, 64), md5: hex(i + 101, 32), sha1: hex(i + 201, 40), size: 40960 + i * 512, type: 'pe',
      paths: [path], campaigns: [CAMPAIGN], yara: i >= 8 ? ['NetTraveler_Marker'] : [],
      pe: {
        machine: 'i386', timestamp, imphash: i < 5 ? 'a1b2c3d4e5f60718293a4b5c6d7e8f90' : 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
        pdb: i === 6 ? 'D:\\NetTraveler\\Release\\netmgr.pdb' : null, anomalies: [],
      },
    };
  });
}

function indicators(ss: SampleRecord[]): ReportIndicator[] {
  const src = ['kaspersky-nettraveler.txt'];
  const ind = (type: IndicatorType, value: string, extra: Partial<ReportIndicator> = {}): ReportIndicator =>
    ({ type, value, campaigns: [CAMPAIGN], sources: src, warninglist: null, ...extra });
  return [
    ...C2_DOMAINS.map((d) => ind('domain', d)),
    ind('ipv4', C2_IP),
    ind('cidr', '198.18.7.0/24'),
    ind('ipv6', '2001:db8::77'),
    ind('url', BEACON_URL),
    ind('sha256', ss[8]!.sha256),
    ind('md5', ss[9]!.md5),
    ind('filename', 'netmgr.exe'),
    ind('email', 'travnet@vipmailru.com'),
    ind('yara', 'NetTraveler_Marker', { sources: ['nettraveler.yar'], ruleSource: YARA_SOURCE }),
    ind('yara', 'NT_Private_Helper', { sources: ['nettraveler.yar'] }),
  ];
}

const EVIDENCE: StoredEvidence[] = [
  { id: 1, path: 'logs/dns.log', sha256: hex(301, 64), format: 'zeek-dns', size: 182_044, lines: 2100, records: 2092, skipped: 0, huntedAt: '2026-01-14T09:00:00.000Z', mtimeMs: 0, families: ['zeek'] },
  { id: 2, path: 'logs/access.log', sha256: hex(302, 64), format: 'squid', size: 90_112, lines: 800, records: 800, skipped: 2, huntedAt: '2026-01-14T09:00:01.000Z', mtimeMs: 0, families: ['squid'] },
  { id: 3, path: 'captures/office.pcap', sha256: hex(303, 64), format: 'pcap', size: 5_242_880, lines: 0, records: 9120, skipped: 0, huntedAt: '2026-01-14T09:00:02.000Z', mtimeMs: 0, families: ['pcap'] },
  { id: 4, path: 'samples/netmgr.exe', sha256: hex(9, 64), format: 'files', size: 44_544, lines: 0, records: 1, skipped: 0, huntedAt: '2026-01-14T09:00:03.000Z', mtimeMs: 0, families: ['files'] },
  { id: 5, path: 'samples/mail.zip', sha256: hex(304, 64), format: 'files', size: 30_001, lines: 0, records: 2, skipped: 0, huntedAt: '2026-01-14T09:00:04.000Z', mtimeMs: 0, families: ['files'] },
];

const MONTHS = ['2012-11', '2012-12', '2013-01', '2013-02', '2013-03', '2013-04', '2013-05'];

/** The victims' 50 sightings (in three kinds of log) and five from scanned files; in time order, the untimed last. */
function sightings(ss: SampleRecord[]): Sighting[] {
  const out: Sighting[] = [];
  let line = 10;
  let packet = 100;
  VICTIMS.forEach((v, vi) => {
    for (let k = 0; k < v.sightings; k++) {
      const month = MONTHS[(vi + k * 2) % MONTHS.length]!;
      const day = String(5 + ((vi * 3 + k * 5) % 16)).padStart(2, '0');
      const ts = `${month}-${day}T${String((vi + k) % 24).padStart(2, '0')}:${String((k * 7) % 60).padStart(2, '0')}:00.000Z`;
      const kind = (vi + k) % 4;
      const domain = C2_DOMAINS[(vi + k) % C2_DOMAINS.length]!;
      if (kind === 0 || kind === 1) {
        out.push({
          indicator: { type: 'domain', value: domain, campaigns: [CAMPAIGN] }, matched: kind === 1 && domain === 'viprainru.com' ? 'www.viprainru.com' : domain,
          field: 'dns.query', ts, src: v.src, dst: '192.0.2.53', evidence: { path: 'logs/dns.log', format: 'zeek-dns', line: line++ },
        });
      } else if (kind === 2) {
        out.push({
          indicator: { type: 'url', value: BEACON_URL, campaigns: [CAMPAIGN] }, matched: `${BEACON_URL}?action=getcmd&hostid=${v.hostIds[0] ?? 'x'}`,
          field: 'http.url', ts, src: v.src, dst: C2_IP, evidence: { path: 'logs/access.log', format: 'squid', line: line++ },
        });
      } else {
        out.push({
          indicator: { type: 'ipv4', value: C2_IP, campaigns: [CAMPAIGN] }, matched: C2_IP,
          field: 'conn.resp_h', ts, src: v.src, dst: C2_IP, evidence: { path: 'captures/office.pcap', format: 'pcap', packet: packet++ },
        });
      }
    }
  });
  const scan = (indicator: Sighting['indicator'], matched: string, field: string, path: string, inside?: string): Sighting => ({
    indicator, matched, field, ts: null, src: null, dst: null, evidence: { path, format: 'files', ...(inside !== undefined ? { inside } : {}) },
  });
  out.push(
    scan({ type: 'sha256', value: ss[8]!.sha256, campaigns: [CAMPAIGN] }, ss[8]!.sha256, 'file.sha256', 'samples/netmgr.exe'),
    scan({ type: 'filename', value: 'netmgr.exe', campaigns: [CAMPAIGN] }, 'netmgr.exe', 'file.name', 'samples/netmgr.exe'),
    scan({ type: 'yara', value: 'NetTraveler_Marker', campaigns: [CAMPAIGN] }, 'NetTraveler_Marker', 'yara', 'samples/netmgr.exe'),
    scan({ type: 'md5', value: ss[9]!.md5, campaigns: [CAMPAIGN] }, ss[9]!.md5, 'file.md5', 'samples/mail.zip', XSS_FILE),
    scan({ type: 'yara', value: 'NetTraveler_Marker', campaigns: [CAMPAIGN] }, 'NetTraveler_Marker', 'yara', 'samples/mail.zip', XSS_FILE),
  );
  return out.sort((a, b) => (a.ts === b.ts ? 0 : a.ts === null ? 1 : b.ts === null ? -1 : a.ts < b.ts ? -1 : 1));
}

function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - dow + 3);
  const year = d.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week = 1 + Math.round(((d.getTime() - jan4.getTime()) / 86400000 - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function victimsFrom(list: Sighting[]): Victim[] {
  return VICTIMS.map((spec) => {
    const mine = list.filter((s) => s.src === spec.src);
    const times = mine.map((s) => s.ts!).sort();
    return {
      src: spec.src, hostIds: spec.hostIds, country: spec.country, countryName: spec.countryName, asn: spec.asn,
      organisation: spec.organisation, sector: spec.sector, enrichedBy: spec.country === null ? 'none' : 'assets',
      firstSeen: times[0] ?? null, lastSeen: times[times.length - 1] ?? null, sightings: mine.length,
      indicators: [...new Set(mine.map((s) => `${s.indicator.type}:${s.indicator.value}`))].sort(),
    };
  });
}

function statsFrom(list: Sighting[], victims: Victim[], ss: SampleRecord[], inds: ReportIndicator[]): CampaignStats {
  const count = victims.length;
  const tally = <K extends string>(keys: K[]) => {
    const m = new Map<K, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return m;
  };
  const byCountry = [...tally(victims.filter((v) => v.country !== null).map((v) => v.country!))]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([code, n]) => ({ code, name: victims.find((v) => v.country === code)!.countryName!, count: n, share: n / count }));
  const bySector = [...tally(victims.map((v) => v.sector))]
    .sort((a, b) => b[1] - a[1] || (a[0] === 'unknown' ? 1 : b[0] === 'unknown' ? -1 : a[0] < b[0] ? -1 : 1))
    .map(([sector, n]) => ({ sector, count: n, share: n / count }));
  const orgKey = (v: Victim) => `${v.asn ?? ''}\t${v.organisation ?? ''}`;
  const byOrganisation = [...tally(victims.filter((v) => v.organisation !== null).map(orgKey))]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => { const [asn, organisation] = k.split('\t'); return { asn: asn ? Number(asn) : null, organisation: organisation!, count: n }; });
  const timed = list.filter((s) => s.ts !== null);
  const firstOf = new Map<string, string>();
  for (const v of victims) if (v.firstSeen) firstOf.set(v.src, v.firstSeen);
  const period = (key: (ts: string) => string) => {
    const m = new Map<string, { sightings: number; newVictims: number }>();
    for (const s of timed) {
      const k = key(s.ts!);
      const e = m.get(k) ?? { sightings: 0, newVictims: 0 };
      e.sightings++;
      m.set(k, e);
    }
    for (const t of firstOf.values()) m.get(key(t))!.newVictims++;
    return [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  };
  const hourOfWeek = new Array<number>(168).fill(0);
  for (const t of BUILD_TIMES) {
    const d = new Date(t);
    hourOfWeek[((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours()]!++;
  }
  const years = tally(BUILD_TIMES.map((t) => t.slice(0, 4)));
  const top = new Map<string, { type: string; value: string; sightings: number; victims: Set<string> }>();
  for (const s of list) {
    const k = `${s.indicator.type}:${s.indicator.value}`;
    const e = top.get(k) ?? { type: s.indicator.type, value: s.indicator.value, sightings: 0, victims: new Set<string>() };
    e.sightings++;
    if (s.src) e.victims.add(s.src);
    top.set(k, e);
  }
  const byType: Record<string, number> = {};
  for (const i of inds) byType[i.type] = (byType[i.type] ?? 0) + 1;
  return {
    campaign: CAMPAIGN,
    victims: { count, hostIds: victims.reduce((n, v) => n + v.hostIds.length, 0), countries: byCountry.length, byCountry, bySector, byOrganisation },
    excluded: { crawlers: 1, scanners: 0 },
    timeline: {
      firstSeen: timed[0]!.ts, lastSeen: timed[timed.length - 1]!.ts,
      byDay: period((t) => t.slice(0, 10)).map(([day, e]) => ({ day, ...e })),
      byWeek: period((t) => isoWeek(t.slice(0, 10))).map(([week, e]) => ({ week, ...e })),
      byMonth: period((t) => t.slice(0, 7)).map(([month, e]) => ({ month, ...e })),
    },
    indicators: {
      total: inds.length, sighted: top.size, byType, heldByType: byType,
      top: [...top.values()].sort((a, b) => b.sightings - a.sightings || (a.value < b.value ? -1 : 1))
        .map((e) => ({ type: e.type, value: e.value, sightings: e.sightings, victims: e.victims.size })),
    },
    builds: {
      count: BUILD_TIMES.length, anomalous: 0, setAside: {},
      earliest: BUILD_TIMES[0]!, latest: BUILD_TIMES[BUILD_TIMES.length - 1]!,
      byYear: [...years].map(([year, n]) => ({ year: Number(year), count: n })),
      lastThreeYearsShare: 0.8,
      variants: [
        { imphash: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', rich: null, pdb: null, count: 5, first: BUILD_TIMES[0]!, last: BUILD_TIMES[4]!, samples: ss.slice(0, 5).map((s) => s.sha256) },
        { imphash: 'f0e1d2c3b4a5968778695a4b3c2d1e0f', rich: null, pdb: 'D:\\NetTraveler\\Release\\netmgr.pdb', count: 5, first: BUILD_TIMES[5]!, last: BUILD_TIMES[9]!, samples: ss.slice(5).map((s) => s.sha256) },
      ],
    },
    authorship: {
      utcOffset: 8, declined: null, insideWindowShare: 0.9, score: 0.93, interval: [7, 9],
      alternatives: [{ utcOffset: 9, score: 0.81 }, { utcOffset: 7, score: 0.77 }],
      hourOfWeek,
      candidates: [
        { utcOffset: 8, insideWindowShare: 0.9, logLikelihood: -31.2, score: 0.93 },
        { utcOffset: 9, insideWindowShare: 0.8, logLikelihood: -33.9, score: 0.81 },
        { utcOffset: 7, insideWindowShare: 0.8, logLikelihood: -34.6, score: 0.77 },
      ],
      languages: [{ lang: 2052, count: 9 }, { lang: 1033, count: 1 }],
      codePages: [{ codePage: 936, count: 9 }],
      pdbPaths: [{ path: 'D:\\NetTraveler\\Release\\netmgr.pdb', count: 1 }],
    },
    overlap: [{ campaign: 'Red October', sharedVictims: 2, victims: ['192.0.2.10', '198.51.100.20'], sharedIndicators: 0, indicators: [] }],
  };
}

async function* stream<T>(items: readonly T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

export interface FixtureOptions {
  generatedAt?: string;
  tlp?: Tlp;
  withPublished?: boolean;
}

/** A fresh ReportInput (its sightings stream can be read once). */
export function reportFixture(opts: FixtureOptions = {}): ReportInput {
  const ss = samples();
  const inds = indicators(ss);
  const list = sightings(ss);
  const victims = victimsFrom(list);
  const stats = statsFrom(list, victims, ss, inds);
  const published = opts.withPublished === false ? undefined : checkPublished(JSON.parse(readFileSync(PUBLISHED_PATH, 'utf8')));
  if (typeof published === 'string') throw new Error(`published fixture: ${published}`);
  return {
    stats,
    aliases: ['TravNet', 'Netfile'],
    victims,
    sightings: stream(list),
    sightingsTotal: list.length,
    samples: ss,
    evidence: EVIDENCE,
    indicators: inds,
    intelSources: ['kaspersky-nettraveler.txt', 'nettraveler.yar'],
    tlp: opts.tlp ?? 'amber',
    generatedAt: opts.generatedAt ?? GENERATED_AT,
    ...(published ? { published } : {}),
    credits: [
      'IP geolocation by DB-IP (https://db-ip.com), licensed under CC BY 4.0.',
      'ASN data: RouteViews (University of Oregon) and the NRO delegation files.',
    ],
    team: { name: 'Atlantis CERT' },
  };
}

/** The fixture's sightings as a plain list (for checks that need them twice). */
export function fixtureSightings(): Sighting[] {
  return sightings(samples());
}
