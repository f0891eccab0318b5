import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ASN_CREDITS, Enricher, GEO_CREDITS, parseAssetCsv } from './index.js';

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-enrich-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const ASSETS = [
  'address,organisation,sector,country',
  '103.242.44.0/24,Embassy of Japan in Ulaanbaatar,,',
  '10.1.2.3,,Diplomatic,kz',
  '10.9.0.0/16,,energy,',
  'ws-042.corp.example,Finance desk,,MN',
  '2400:7480::/48,Ministry of Foreign Affairs,,',
].join('\n');

test('Enricher: the asset directory first, then geolocation and ASN data, sectors from names', async (t) => {
  const { assets, diagnostics } = parseAssetCsv(ASSETS, 'assets.csv');
  assert.deepEqual(diagnostics, []);
  const e = await Enricher.open({ assets, asn: { cacheDir: tmp(t) } });

  // Only the data: Mongolia Telecom's range (see geo.test.ts and asn.test.ts for where the values come from).
  assert.deepEqual(e.enrich('103.242.45.1'), {
    country: 'MN', countryName: 'Mongolia', asn: 9934, organisation: 'Mongolia Telecom', sector: 'telecom', source: 'geoip',
  });
  assert.deepEqual(e.enrich('157.15.6.1'), {
    country: 'MN', countryName: 'Mongolia', asn: 152337, organisation: 'National University of Mongolia', sector: 'education', source: 'geoip',
  });
  assert.deepEqual(e.enrich('2400:7480:1::1'), {
    country: 'MN', countryName: 'Mongolia', asn: 9934, organisation: 'Mongolia Telecom', sector: 'telecom', source: 'geoip',
  });
  // An asset naming the organisation: its sector from the rules, its country from geolocation, no AS (the AS is Mongolia Telecom's).
  assert.deepEqual(e.enrich('103.242.44.9'), {
    country: 'MN', countryName: 'Mongolia', asn: null, organisation: 'Embassy of Japan in Ulaanbaatar', sector: 'diplomatic', source: 'assets',
  });
  assert.deepEqual(e.enrich('::ffff:103.242.44.9'), e.enrich('103.242.44.9'));
  assert.deepEqual(e.enrich('2400:7480::5'), {
    country: 'MN', countryName: 'Mongolia', asn: null, organisation: 'Ministry of Foreign Affairs', sector: 'diplomatic', source: 'assets',
  });
  // Private addresses: only what the directory says.
  assert.deepEqual(e.enrich('10.1.2.3'), {
    country: 'KZ', countryName: 'Kazakhstan', asn: null, organisation: null, sector: 'diplomatic', source: 'assets',
  });
  assert.deepEqual(e.enrich('10.9.200.1'), {
    country: null, countryName: null, asn: null, organisation: null, sector: 'energy', source: 'assets',
  });
  assert.deepEqual(e.enrich('10.1.2.4'), {
    country: null, countryName: null, asn: null, organisation: null, sector: 'unknown', source: 'none',
  });
  // Host names: the directory only.
  assert.deepEqual(e.enrich('WS-042.corp.example.'), {
    country: 'MN', countryName: 'Mongolia', asn: null, organisation: 'Finance desk', sector: 'finance', source: 'assets',
  });
  assert.deepEqual(e.enrich('mongolia-telecom.example'), {
    country: null, countryName: null, asn: null, organisation: null, sector: 'unknown', source: 'none',
  });
  assert.equal(e.enrich('103.242.45.1'), e.enrich('103.242.45.1'), 'remembered per host');
  assert.equal(e.enrich('103.242.46.7'), e.enrich('103.242.45.1'), 'one object per (country, AS) from the data');
  assert.deepEqual(e.credits, [GEO_CREDITS, ASN_CREDITS]);
});

test('Enricher: a user sector file; unreadable files reject with path: reason', async (t) => {
  const dir = tmp(t);
  const rules = join(dir, 'sectors.json');
  writeFileSync(rules, JSON.stringify({ rules: [{ sector: 'government', pattern: '^Mongolia Telecom$', note: 'state-owned' }] }));
  const e = await Enricher.open({ sectorsFile: rules, asn: { cacheDir: null } });
  assert.equal(e.enrich('103.242.45.1').sector, 'government');
  assert.equal(e.enrich('157.15.6.1').sector, 'education');
  await assert.rejects(Enricher.open({ geoipFile: join(dir, 'none.mmdb'), asn: { cacheDir: null } }), { message: `${join(dir, 'none.mmdb')}: cannot read (ENOENT)` });
  await assert.rejects(Enricher.open({ sectorsFile: join(dir, 'none.json'), asn: { cacheDir: null } }), { message: `${join(dir, 'none.json')}: cannot read (ENOENT)` });
});
