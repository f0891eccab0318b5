/**
 * A small case with known numbers for the server's tests and the dashboard's
 * browser test, seeded through the store's own APIs: two campaigns sharing
 * an indicator, victims placed by the asset directory (so no test depends on
 * the geolocation data's version), sightings in a Zeek DNS log, a proxy log
 * and a scanned file, a sample — and three XSS probes, in an indicator, a
 * sample's file name and a victim's organisation.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SightingInput, Store } from '../../index.js';

export const XSS = {
  domain: '<img src=x onerror=alert(1)>.example',
  sampleName: 'samples/<img src=x onerror=alert(2)>.exe',
  organisation: '<img src=x onerror=alert(3)>',
};

const HOUR = 3_600_000;
export const T0 = Date.UTC(2013, 4, 1, 8);

/** What the fixture holds, for assertions. */
export const FIXTURE = {
  /** NetTraveler's victims: 7 in MN (diplomatic), 3 in RU (military), 1 in KZ (the probe's organisation). */
  ntVictims: 11,
  /** DNS 120, proxy 30 + 10 + 1 (shared), the YARA hit. */
  ntSightings: 120 + 30 + 10 + 1 + 1,
  /** Every sighting stored (Red October's 12 and one crawler's included). */
  sightings: 120 + 30 + 10 + 1 + 1 + 12 + 1,
  dnsLines: 120,
  sampleSha256: createHash('sha256').update('stub').digest('hex'),
};

/** The Zeek DNS log the fixture's first 120 sightings were read from (8 header lines, then one query a line). */
export function dnsLogText(): string {
  const head = ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tdns', '#open\t2013-05-01-08-00-00',
    '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery', '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring'];
  const rows = Array.from({ length: 120 }, (_, i) => [((T0 + i * 3 * HOUR) / 1000).toFixed(6), `C${i}`, `10.0.1.${(i % 7) + 1}`, 40000 + i, '192.0.2.53', 53, 'udp', 'nt.example'].join('\t'));
  return [...head, ...rows].join('\n') + '\n';
}

/**
 * Seeds the case. With `dir`, the DNS log is written there for real (its
 * evidence row names that path, size and time), so its lines can be read.
 */
export async function seedCase(store: Store, opts: { dir?: string } = {}): Promise<void> {
  await store.addCampaigns([{ name: 'NetTraveler', aliases: ['TravNet'] }, { name: 'Red October', aliases: ['Rocra'] }]);
  const nt = (type: 'domain' | 'ipv4' | 'yara', value: string, extra = {}) => ({ type, value, campaign: 'NetTraveler', source: 'nt.txt', warninglist: null, ...extra });
  await store.addIndicators([
    nt('domain', 'nt.example'), nt('domain', 'other.example'), nt('domain', 'shared.example'), nt('ipv4', '203.0.113.9'),
    nt('domain', XSS.domain), nt('domain', 'unseen.example'),
    nt('yara', 'rules.yar:NT_Marker', { source: 'rules.yar', ruleSource: 'rule NT_Marker { strings: $a = "stub" condition: $a }' }),
    { type: 'domain', value: 'shared.example', campaign: 'Red October', source: 'ro.txt', warninglist: null },
    { type: 'domain', value: 'ro.example', campaign: 'Red October', source: 'ro.txt', warninglist: null },
  ]);
  await store.addAssets([
    { address: '10.0.1.0/24', kind: 'cidr', organisation: 'Ministry of Foreign Affairs', sector: 'diplomatic', country: 'MN' },
    { address: '10.0.2.0/24', kind: 'cidr', organisation: 'Ministry of Defence', sector: 'military', country: 'RU' },
    { address: '10.0.3.5', kind: 'ip', organisation: XSS.organisation, sector: 'government', country: 'KZ' },
  ]);
  const ids = new Map<string, number>();
  for await (const page of store.huntIndicators({ includeWarninglisted: true })) for (const h of page) ids.set(h.value, h.id);
  const row = (value: string, src: string | null, ts: number | null, line: number | undefined, extra: Partial<SightingInput> = {}): SightingInput =>
    ({ indicatorId: ids.get(value)!, matched: value, field: 'dns.query', ts, src, dst: '192.0.2.53', ...(line !== undefined ? { line } : {}), ...extra });
  const sel = { includeWarninglisted: false, gen: await store.currentGeneration() };

  const dns = await store.beginEvidence(sel);
  const pass = { family: 'zeek', format: 'zeek-dns' };
  await dns.addSightings(pass, Array.from({ length: 120 }, (_, i) => row('nt.example', `10.0.1.${(i % 7) + 1}`, T0 + i * 3 * HOUR, i + 9)));
  let file = { path: 'logs/dns.log', size: 12_000, mtimeMs: T0 };
  if (opts.dir !== undefined) {
    const path = join(opts.dir, 'logs', 'dns.log');
    mkdirSync(join(opts.dir, 'logs'), { recursive: true });
    writeFileSync(path, dnsLogText());
    const st = statSync(path);
    file = { path, size: st.size, mtimeMs: st.mtimeMs };
  }
  dns.end({ ...file, sha256: 'a'.repeat(64), passes: [{ ...pass, lines: 128, records: 120, skipped: 0 }] });
  await dns.commit();

  const proxy = await store.beginEvidence(sel);
  const sq = { family: 'squid', format: 'squid' };
  const rows: SightingInput[] = [];
  let line = 1;
  for (let i = 0; i < 30; i++) rows.push(row('other.example', `10.0.2.${(i % 3) + 1}`, T0 + 24 * HOUR * 10 + i * HOUR, line++, { field: 'http.host' }));
  for (let i = 0; i < 10; i++) rows.push(row(XSS.domain, '10.0.3.5', T0 + 24 * HOUR * 20 + i * HOUR, line++, { field: 'http.host' }));
  rows.push(row('shared.example', '10.0.1.1', T0 + 24 * HOUR * 21, line++, { field: 'http.host' }));
  for (let i = 0; i < 12; i++) rows.push(row('ro.example', `10.0.2.${(i % 4) + 1}`, T0 + 24 * HOUR * 22 + i * HOUR, line++, { field: 'http.host' }));
  rows.push(row('nt.example', '198.51.100.7', T0, line++, { field: 'sinkhole.crawler' }));
  await proxy.addSightings(sq, rows);
  proxy.end({ path: 'logs/proxy.log', sha256: 'b'.repeat(64), size: 9_000, mtimeMs: T0, passes: [{ ...sq, lines: line - 1, records: line - 1, skipped: 2 }] });
  await proxy.commit();

  const files = await store.beginEvidence(sel);
  const fp = { family: 'files', format: 'files' };
  await files.addSamples([{ sha256: FIXTURE.sampleSha256, md5: 'd'.repeat(32), sha1: 'e'.repeat(40), size: 4, type: 'pe', path: XSS.sampleName, factsJson: null }]);
  await files.addSightings(fp, [row('rules.yar:NT_Marker', null, null, undefined, { field: 'yara', dst: null, sample: FIXTURE.sampleSha256 })]);
  files.end({ path: XSS.sampleName, sha256: FIXTURE.sampleSha256, size: 4, mtimeMs: T0, passes: [{ ...fp, lines: 0, records: 0, skipped: 0 }] });
  await files.commit();
}
