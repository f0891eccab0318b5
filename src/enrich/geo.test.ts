import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { GEO_CREDITS, openGeo } from './geo.js';
import { countryName, isCountryCode, canonicalRegion } from './countries.js';
import { addressText, isPublicAddress, parseAddress } from './address.js';
import { writeMmdb, type MmdbNetwork } from './testing/mmdb-writer.js';

/**
 * Expected countries come from outside the database under test: each
 * address is inside a range that ip-location-db's ASN CSV (RIR and
 * RouteViews data) gives to a national carrier or institution of that
 * country (`grep 'Mongolia Telecom' asn-ipv4.csv` → 103.242.44.0–
 * 103.242.47.255), or is a long-stable allocation (133.11.0.0/16 the
 * University of Tokyo, 193.0.0.0/21 the RIPE NCC in Amsterdam). mmdblookup
 * is not installed here; the maxmind library was used only to check that
 * DB-IP agrees.
 */
const KNOWN: [string, string, string][] = [
  ['103.242.44.1', 'MN', 'Mongolia'], // Mongolia Telecom, AS9934
  ['157.15.6.1', 'MN', 'Mongolia'], // National University of Mongolia, AS152337
  ['2.132.0.1', 'KZ', 'Kazakhstan'], // JSC Kazakhtelecom, AS9198
  ['31.29.0.1', 'KG', 'Kyrgyzstan'], // OJSC Kyrgyztelecom, AS12997
  ['109.75.48.1', 'TJ', 'Tajikistan'], // CJSC Indigo Tajikistan, AS47139
  ['1.96.0.1', 'KR', 'South Korea'], // Korea Telecom, AS4766
  ['2.136.0.1', 'ES', 'Spain'], // Telefonica de Espana, AS3352
  ['46.56.0.1', 'BY', 'Belarus'], // Mobile TeleSystems JLLC, AS25106
  ['2.58.100.1', 'DE', 'Germany'], // Deutsche Telekom AG, AS3320
  ['133.11.0.1', 'JP', 'Japan'], // The University of Tokyo
  ['193.0.0.1', 'NL', 'Netherlands'], // RIPE NCC
  ['2400:7480::1', 'MN', 'Mongolia'], // Mongolia Telecom, AS9934 (2400:7480::/32)
  ['2001:df3:62c0::1', 'MN', 'Mongolia'], // National University of Mongolia (2001:df3:62c0::/47)
];

test('default database: countries of known addresses, IPv4 and IPv6', async () => {
  const geo = await openGeo();
  for (const [ip, code, name] of KNOWN) assert.deepEqual(geo.country(ip), { code, name }, ip);
  assert.equal(geo.credits, GEO_CREDITS);
  assert.match(GEO_CREDITS, /DB-IP/);
  assert.match(GEO_CREDITS, /https:\/\/db-ip\.com/);
  assert.match(GEO_CREDITS, /CC BY 4\.0/);
  assert.equal(geo.database.type, 'country ipv4');
  assert.equal(geo.errors, 0);
});

test('address forms: IPv4-mapped, brackets, zone, case, white space; the same object per country', async () => {
  const geo = await openGeo();
  const mn = geo.country('103.242.44.1');
  assert.equal(geo.country('::ffff:103.242.44.1'), mn);
  assert.equal(geo.country('::FFFF:67F2:2C01'), mn);
  assert.equal(geo.country(' 103.242.44.1\t'), mn);
  assert.deepEqual(geo.country('[2400:7480::1]'), mn);
  assert.deepEqual(geo.country('2400:7480:0:0::1%eth0'), mn);
  assert.deepEqual(geo.country('2400:7480::ABCD'), mn);
  assert.equal(geo.countryOf(parseAddress('103.242.44.1')!), mn);
  assert.equal(geo.countryOf(parseAddress('10.0.0.1')!), null);
});

test('special-purpose addresses and non-addresses are in no country', async () => {
  const geo = await openGeo();
  for (const ip of [
    '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '0.0.0.0', '100.64.0.1',
    '169.254.1.1', '192.0.2.1', '198.51.100.1', '203.0.113.1', '198.18.0.1', '224.0.0.1', '240.0.0.1',
    '255.255.255.255', '192.0.0.8', '::', '::1', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1',
    '2001:db8::1', '2001::1', '2002:c000:0201::1', '64:ff9b::808:808', '3fff::1', '::ffff:10.0.0.1',
    '', 'example.net', '1.2.3', '1.2.3.04', '256.1.1.1', '1.2.3.4/24', 'gggg::1', '1:2:3:4:5:6:7:8:9',
  ]) assert.equal(geo.country(ip), null, ip);
  // Just outside the special ranges: public.
  assert.notEqual(geo.country('172.32.0.1'), null);
  assert.notEqual(geo.country('100.128.0.1'), null);
});

test('parseAddress and isPublicAddress at range edges', () => {
  const p = (s: string) => { const a = parseAddress(s); assert.ok(a, s); return isPublicAddress(a); };
  assert.equal(p('9.255.255.255'), true);
  assert.equal(p('10.0.0.0'), false);
  assert.equal(p('11.0.0.0'), true);
  assert.equal(p('100.63.255.255'), true);
  assert.equal(p('100.64.0.0'), false);
  assert.equal(p('100.127.255.255'), false);
  assert.equal(p('223.255.255.255'), true);
  assert.equal(p('1fff:ffff::1'), false); // outside 2000::/3
  assert.equal(p('2000::1'), true);
  assert.equal(p('2001:1ff:ffff::1'), false); // inside 2001::/23
  assert.equal(p('2001:200::1'), true);
  assert.equal(p('3ffe::1'), true);
  assert.equal(p('3fff:0fff::1'), false);
  assert.equal(p('3fff:1000::1'), true);
  assert.deepEqual(parseAddress('::ffff:1.2.3.4'), { family: 4, v4: 0x01020304 });
  const v6 = parseAddress('2001:DB8::A');
  assert.ok(v6 && v6.family === 6);
  assert.equal(addressText(v6), '2001:db8::a');
  assert.equal(addressText(parseAddress('::ffff:1.2.3.4')!), '1.2.3.4');
  assert.deepEqual([...v6.v6], [0x20010db8, 0, 0, 0xa]);
});

test('country codes: ISO 3166-1 alpha-2 and XK; groupings, reserved and deprecated codes refused', () => {
  assert.equal(countryName('MN'), 'Mongolia');
  assert.equal(countryName('XK'), 'Kosovo');
  assert.equal(countryName('TW'), 'Taiwan');
  for (const c of ['EU', 'UN', 'ZZ', 'QO', 'XA', 'XB', 'AC', 'IC', 'EA', 'UK', 'SU', 'mn', 'M1', 'MNG', '']) {
    assert.equal(countryName(c), null, c);
    assert.equal(isCountryCode(c), false, c);
  }
  assert.equal(canonicalRegion('UK'), 'GB');
  assert.equal(canonicalRegion('SU'), 'RU');
  let n = 0;
  for (let a = 65; a <= 90; a++) for (let b = 65; b <= 90; b++) if (isCountryCode(String.fromCharCode(a, b))) n++;
  assert.equal(n, 250); // 249 assigned + XK
});

test('--geoip: a MaxMind-layout (GeoIP2) and an ip-location-db-layout file are read instead of DB-IP', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-geo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const networks: MmdbNetwork[] = [
    // 8.8.8.0/24 is in the US in every real database: 'MN' here proves the user's file is read.
    { network: '8.8.8.0/24', record: { continent: { code: 'AS' }, country: { iso_code: 'MN', names: { en: 'Mongolia' } }, registered_country: { iso_code: 'US' } } },
    { network: '31.29.0.0/16', record: { country_code: 'KG' } },
    { network: '77.88.0.0/18', record: { registered_country: { iso_code: 'RU' } } }, // no country: none
    { network: '1.1.1.0/24', record: { country: { iso_code: 'EU' } } }, // no ISO country
  ];
  const v6 = join(dir, 'GeoLite2-Country.mmdb');
  writeFileSync(v6, writeMmdb({
    ipVersion: 6, databaseType: 'GeoLite2-Country',
    networks: [...networks, { network: '2a00:1450::/32', record: { country: { iso_code: 'TJ' } } }],
  }));
  const geo = await openGeo({ geoipFile: v6 });
  assert.deepEqual(geo.country('8.8.8.8'), { code: 'MN', name: 'Mongolia' });
  assert.deepEqual(geo.country('::ffff:8.8.8.8'), { code: 'MN', name: 'Mongolia' });
  assert.deepEqual(geo.country('31.29.7.7'), { code: 'KG', name: 'Kyrgyzstan' });
  assert.deepEqual(geo.country('2a00:1450::1'), { code: 'TJ', name: 'Tajikistan' });
  assert.equal(geo.country('77.88.8.8'), null);
  assert.equal(geo.country('1.1.1.1'), null);
  assert.equal(geo.country('9.9.9.9'), null); // not in the file
  assert.equal(geo.country('10.0.0.1'), null);
  assert.equal(geo.credits, null);
  assert.deepEqual([geo.database.path, geo.database.type], [v6, 'GeoLite2-Country']);

  const v4 = join(dir, 'v4.mmdb');
  writeFileSync(v4, writeMmdb({ ipVersion: 4, databaseType: 'country ipv4', networks }));
  const geo4 = await openGeo({ geoipFile: v4 });
  assert.deepEqual(geo4.country('8.8.8.8'), { code: 'MN', name: 'Mongolia' });
  assert.deepEqual(geo4.country('31.29.0.1'), { code: 'KG', name: 'Kyrgyzstan' });
  // An IPv4-only file has no IPv6 answers (mmdb-lib would walk its IPv4 tree with the IPv6 bits).
  assert.equal(geo4.country('2a00:1450::1'), null);
  assert.equal(geo4.country('808:808::1'), null);
});

test('--geoip: unreadable, non-mmdb, gzipped and ASN files are refused with path: reason', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-geo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const missing = join(dir, 'missing.mmdb');
  await assert.rejects(openGeo({ geoipFile: missing }), { message: `${missing}: cannot read (ENOENT)` });
  await assert.rejects(openGeo({ geoipFile: dir }), { message: `${dir}: not a regular file` });
  const text = join(dir, 'text.mmdb');
  writeFileSync(text, 'not a database\n');
  await assert.rejects(openGeo({ geoipFile: text }), (e: Error) => e.message.startsWith(`${text}: not a MaxMind DB file (`));
  const gz = join(dir, 'GeoLite2-Country.mmdb.gz');
  writeFileSync(gz, gzipSync(writeMmdb({ ipVersion: 4, databaseType: 'x', networks: [] })));
  await assert.rejects(openGeo({ geoipFile: gz }), { message: `${gz}: gzip-compressed; decompress it first` });
  const asn = join(dir, 'GeoLite2-ASN.mmdb');
  writeFileSync(asn, writeMmdb({ ipVersion: 6, databaseType: 'GeoLite2-ASN', networks: [{ network: '8.8.8.0/24', record: { autonomous_system_number: 15169 } }] }));
  await assert.rejects(openGeo({ geoipFile: asn }), { message: `${asn}: an ASN database (GeoLite2-ASN), not a country one` });
});

test('--geoip: a file damaged after its tree answers null and counts errors, never throws', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-geo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const good = writeMmdb({ ipVersion: 4, databaseType: 'country', networks: [{ network: '8.8.8.0/24', record: { country_code: 'MN' } }] });
  // The data section starts after the tree (node_count * 6 bytes) and 16 zero bytes: make its map's control byte a bad pointer.
  const nodeCount = 24; // 8.8.8.0/24: one node per bit
  const bad = Buffer.from(good);
  bad[nodeCount * 6 + 16] = 0x3f; // pointer, size bits 0b11111: 4-byte pointer far out of the file
  const p = join(dir, 'bad.mmdb');
  writeFileSync(p, bad);
  const geo = await openGeo({ geoipFile: p });
  assert.equal(geo.country('8.8.8.8'), null);
  assert.equal(geo.errors, 1);
  assert.equal(geo.country('9.9.9.9'), null);
});
