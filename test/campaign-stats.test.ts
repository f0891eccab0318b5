/**
 * Campaign statistics on a case built with known ground truth: sightings
 * with chosen sources, times and host ids, a sinkhole's crawler, PE samples
 * with chosen compile times and languages (the PE writer), and a second
 * campaign sharing victims. Every expected number is counted from the
 * fixture's own lists, not from Sightline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { openStore, parsePe, campaignStats, type HostEnricher, type SightingInput, type Store } from '../src/index.js';
import { writePe } from '../src/samples/pe/testing/pe-writer.js';
import { caseBackends, freshCase, type CaseBackend } from '../src/store/testing/case-backends.js';

const DAY = 86_400_000;

/** A deterministic enricher: the fixture decides each address's country and sector. */
const PLACES: Record<string, { country: string; name: string; sector: string; org: string; asn: number }> = {
  '203.0.113.1': { country: 'MN', name: 'Mongolia', sector: 'diplomatic', org: 'Ministry A', asn: 64500 },
  '203.0.113.2': { country: 'MN', name: 'Mongolia', sector: 'government', org: 'Ministry B', asn: 64501 },
  '203.0.113.3': { country: 'IN', name: 'India', sector: 'diplomatic', org: 'Embassy C', asn: 64502 },
  '203.0.113.4': { country: 'RU', name: 'Russia', sector: 'military', org: 'Unit D', asn: 64503 },
};
const enricher: HostEnricher = {
  enrich(host) {
    const p = PLACES[host];
    if (!p) return { country: null, countryName: null, asn: null, organisation: null, sector: 'unknown', source: 'none' };
    return { country: p.country, countryName: p.name, asn: p.asn, organisation: p.org, sector: p.sector, source: 'geoip' };
  },
};

async function withCase(backend: CaseBackend, fn: (store: Store) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-stats-'));
  const c = await freshCase(backend, dir);
  try {
    const store = await openStore(c.location);
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  } finally {
    await c.done();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A harmless PE stub built at `iso`, with resources in `lang`. */
function stub(iso: string | number, lang: number, marker: string): Buffer {
  const timestamp = typeof iso === 'number' ? iso : Date.parse(iso) / 1000;
  return writePe({
    timestamp,
    sections: [{ name: '.text', data: Buffer.concat([Buffer.alloc(64, 0x90), Buffer.from(marker)]) }],
    resources: [{ type: 6, name: 1, lang, data: Buffer.from('x') }],
  }).data;
}

for (const backend of caseBackends()) test(`campaign stats: victims by address and host id, countries, sectors, timeline, indicators, builds, overlap (${backend.name})`, { skip: backend.skip }, async () => {
  await withCase(backend, async (store) => {
    await store.addCampaigns([{ name: 'NetTraveler', aliases: ['TravNet'] }, { name: 'Red October', aliases: ['Rocra'] }]);
    const builds = [
      stub('2010-03-02T02:00:00Z', 2052, 'a'), stub('2012-11-05T01:00:00Z', 2052, 'b'), stub('2013-01-08T03:30:00Z', 2052, 'c'),
      stub(0, 2052, 'd'), // a zero compile time: set aside
    ];
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    await store.addIndicators([
      { type: 'domain', value: 'nt.example', campaign: 'NetTraveler', source: 'nt.txt', warninglist: null },
      { type: 'domain', value: 'both.example', campaign: 'NetTraveler', source: 'nt.txt', warninglist: null },
      { type: 'domain', value: 'never.example', campaign: 'NetTraveler', source: 'nt.txt', warninglist: null },
      ...builds.map((b) => ({ type: 'sha256' as const, value: sha(b), campaign: 'NetTraveler', source: 'nt.txt', warninglist: null })),
      { type: 'domain', value: 'both.example', campaign: 'Red October', source: 'ro.txt', warninglist: null },
      { type: 'domain', value: 'ro.example', campaign: 'Red October', source: 'ro.txt', warninglist: null },
    ]);
    const ids = new Map((await (async () => {
      const out = [];
      for await (const page of store.huntIndicators({ includeWarninglisted: true })) out.push(...page);
      return out;
    })()).map((h) => [h.value, h.id]));
    const t0 = Date.UTC(2013, 0, 15, 12);
    const s = (value: string, ts: number, src: string, extra: Partial<SightingInput> = {}): SightingInput =>
      ({ indicatorId: ids.get(value)!, matched: value, field: 'http.host', ts, src, dst: null, line: 1, ...extra });
    const rows: SightingInput[] = [
      s('nt.example', t0, '203.0.113.1', { hostId: 'A1' }),
      s('nt.example', t0 + DAY, '203.0.113.1', { hostId: 'A2' }), // behind NAT: two hosts, one address
      s('nt.example', t0 + 40 * DAY, '203.0.113.2', { hostId: 'B1' }),
      s('nt.example', t0 + 41 * DAY, '203.0.113.3', { hostId: 'B1' }), // DHCP: one host, two addresses
      s('both.example', t0 + 41 * DAY, '203.0.113.4'),
      s('nt.example', t0 + 2 * DAY, '10.9.9.9'),
      s('nt.example', t0, '66.249.66.1', { field: 'sinkhole.crawler' }),
      s('ro.example', t0, '203.0.113.3'),
    ];
    const w = await store.beginEvidence({ includeWarninglisted: false, gen: await store.currentGeneration() });
    await w.addSightings({ family: 'zeek', format: 'zeek-http' }, rows);
    w.end({ path: 'http.log', sha256: '1'.repeat(64), size: 1, mtimeMs: 1, passes: [{ family: 'zeek', format: 'zeek-http', lines: 8, records: 8, skipped: 0 }] });
    await w.commit();
    const f = await store.beginEvidence({ includeWarninglisted: false, gen: await store.currentGeneration() });
    for (const [i, b] of builds.entries()) {
      await f.addSamples([{ sha256: sha(b), md5: 'm', sha1: 's', size: b.length, type: 'pe', path: `s${i}.exe`, factsJson: JSON.stringify(parsePe(b)) }]);
      await f.addSightings({ family: 'files', format: 'files' }, [{ indicatorId: ids.get(sha(b))!, matched: sha(b), field: 'file.sha256', ts: null, src: null, dst: null, sample: sha(b) }]);
      f.end({ path: `s${i}.exe`, sha256: sha(b), size: b.length, mtimeMs: 1, passes: [{ family: 'files', format: 'files', lines: 0, records: 1, skipped: 0 }] });
    }
    await f.commit();

    const r = await campaignStats(store, 'travnet', { enricher, now: Date.UTC(2026, 0, 1), victims: true });
    assert.ok(r);
    const st = r.stats;
    assert.equal(st.campaign, 'NetTraveler');
    // Five addresses hit NetTraveler (the crawler is counted apart); host ids A1, A2, B1.
    assert.equal(st.victims.count, 5);
    assert.equal(st.victims.hostIds, 3);
    assert.equal(st.victims.countries, 3);
    assert.deepEqual(st.victims.byCountry, [
      { code: 'MN', name: 'Mongolia', count: 2, share: 0.4 },
      { code: 'IN', name: 'India', count: 1, share: 0.2 },
      { code: 'RU', name: 'Russia', count: 1, share: 0.2 },
      { code: 'ZZ', name: 'Unknown', count: 1, share: 0.2 },
    ]);
    assert.deepEqual(st.victims.bySector, [
      { sector: 'diplomatic', count: 2, share: 0.4 },
      { sector: 'government', count: 1, share: 0.2 },
      { sector: 'military', count: 1, share: 0.2 },
      { sector: 'unknown', count: 1, share: 0.2 },
    ]);
    assert.deepEqual(st.excluded, { crawlers: 1, scanners: 0 });
    assert.equal(st.timeline.firstSeen, new Date(t0).toISOString());
    assert.equal(st.timeline.lastSeen, new Date(t0 + 41 * DAY).toISOString());
    assert.deepEqual(st.timeline.byMonth, [
      { month: '2013-01', sightings: 3, newVictims: 2 },
      { month: '2013-02', sightings: 3, newVictims: 3 },
    ]);
    assert.equal(st.timeline.byDay.reduce((n, d) => n + d.sightings, 0), 6);
    assert.deepEqual(st.indicators.byType, { domain: 2, sha256: 4 });
    assert.deepEqual(st.indicators.heldByType, { domain: 3, sha256: 4 });
    assert.equal(st.indicators.total, 7);
    assert.equal(st.indicators.sighted, 6);
    assert.deepEqual(st.indicators.top[0], { type: 'domain', value: 'nt.example', sightings: 5, victims: 4 });
    assert.equal(st.builds.count, 4);
    assert.equal(st.builds.anomalous, 1);
    assert.deepEqual(st.builds.setAside, { zero: 1 });
    assert.equal(st.builds.earliest, '2010-03-02T02:00:00.000Z');
    assert.equal(st.builds.latest, '2013-01-08T03:30:00.000Z');
    assert.equal(st.authorship.utcOffset, null);
    assert.match(st.authorship.declined ?? '', /fewer than 20/);
    assert.deepEqual(st.authorship.languages, [{ lang: 2052, count: 4 }]);
    assert.equal(st.authorship.hourOfWeek.length, 168);
    assert.equal(st.authorship.hourOfWeek.reduce((a, b) => a + b, 0), 3);
    // Red October reached 203.0.113.3 itself and 203.0.113.4 through the shared domain.
    assert.deepEqual(st.overlap, [{
      campaign: 'Red October', sharedVictims: 2, victims: ['203.0.113.3', '203.0.113.4'], sharedIndicators: 1, indicators: ['domain:both.example'],
    }]);
    // Every count drills down: the victims behind it.
    assert.deepEqual(r.victims.filter((v) => v.country === 'MN').map((v) => [v.src, v.hostIds, v.sightings]),
      [['203.0.113.1', ['A1', 'A2'], 2], ['203.0.113.2', ['B1'], 1]]);
    assert.deepEqual(r.victims.find((v) => v.src === '203.0.113.4')?.indicators, ['domain:both.example']);

    const ro = await campaignStats(store, 'Rocra', { enricher });
    assert.equal(ro?.stats.victims.count, 2);
    assert.equal(ro?.stats.victims.hostIds, null);
    assert.equal(await campaignStats(store, 'nobody', { enricher }), null);
  });
});
