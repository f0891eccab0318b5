/**
 * Feeds through the importer into a case: campaigns the feeds name (or
 * --campaign), first/last seen and confidence kept and merged across
 * sources, --min-confidence, and a MISP feed directory as one source.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../store/index.js';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import type { Indicator } from '../core/model.js';
import { importIntel, loadWarninglists } from './intel-import.js';

const WARNINGLISTS = loadWarninglists();
const FEEDS = join(dirname(fileURLToPath(import.meta.url)), '..', 'intel', 'feeds', 'testdata');

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function withCase(f: (dir: string, store: Awaited<ReturnType<typeof openStore>>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-feeds-'));
  const store = await openStore(join(dir, 'case.db'));
  try {
    await f(dir, store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('ThreatFox and Feodo through the importer: feed campaigns with aliases, seen times and confidence kept; --min-confidence drops what is below', async () => {
  await withCase(async (dir, store) => {
    const diags: Diagnostic[] = [];
    const r = await importIntel(store, [join(FEEDS, 'threatfox.csv'), join(FEEDS, 'feodo.csv')], { onDiagnostic: (d) => diags.push(d), warninglists: WARNINGLISTS, minConfidence: 50 });
    assert.deepEqual(r.formats, { threatfox: 1, feodo: 1 });
    assert.equal(r.belowConfidence, 1);
    assert.equal(r.added, 5);
    assert.deepEqual(diags.filter((d) => d.severity === 'error').map(formatDiagnostic), [`${join(FEEDS, 'threatfox.csv')}: not imported (IOC types with no Sightline indicator type): 1 sha3_384_hash`]);
    const list = await collect(store.listIndicators({}));
    const pick = (i: Indicator) => [i.type, i.value, i.campaigns.join('+'), i.firstSeen ?? '', i.lastSeen ?? '', i.confidence ?? ''];
    assert.deepEqual(list.map(pick), [
      ['domain', 'update.example-c2.com', 'PlugX', '2024-03-01T08:12:44Z', '2024-03-01T09:00:00Z', 75],
      ['ipv4', '198.51.100.23', 'Cobalt Strike', '2024-03-01T09:55:03Z', '', 100],
      ['url', 'http://203.0.113.7/gate.php', 'threatfox', '2024-02-29T22:01:09Z', '', 50],
      ['ipv4', '192.0.2.44', 'QakBot', '2023-11-02T14:07:21Z', '2024-03-01', ''],
      ['ipv4', '198.51.100.45', 'Emotet', '2023-12-24T03:33:00Z', '2024-02-11', ''],
    ]);
    assert.equal(await store.resolveCampaign('Korplug'), 'PlugX');
    assert.equal(await store.resolveCampaign('win.cobalt_strike'), 'Cobalt Strike');
    // A second source of the same value: the earliest first seen, the latest last seen, the highest confidence.
    writeFileSync(join(dir, 'more.csv'), '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level"\n'
      + '"2024-02-01 00:00:00", "9", "update.example-c2.com", "domain", "botnet_cc", "win.plugx", "None", "PlugX", "2024-02-02 00:00:00", "60"\n'
      + '"2024-03-02 00:00:00", "10", "198.51.100.23:8443", "ip:port", "botnet_cc", "win.cobalt_strike", "None", "Cobalt Strike", "2024-03-05 00:00:00", "100"\n');
    const again = await importIntel(store, [join(dir, 'more.csv')], { onDiagnostic() {}, warninglists: WARNINGLISTS });
    assert.deepEqual([again.added, again.merged], [0, 2]);
    const merged = await collect(store.listIndicators({ campaign: 'PlugX' }));
    assert.deepEqual(merged.map(pick), [['domain', 'update.example-c2.com', 'PlugX', '2024-02-01T00:00:00Z', '2024-03-01T09:00:00Z', 75]]);
    const cs = await collect(store.listIndicators({ campaign: 'Cobalt Strike' }));
    assert.deepEqual(cs.map(pick), [['ipv4', '198.51.100.23', 'Cobalt Strike', '2024-03-01T09:55:03Z', '2024-03-05T00:00:00Z', 100]]);
  });
});

test('--campaign overrides what a feed names', async () => {
  await withCase(async (_dir, store) => {
    await importIntel(store, [join(FEEDS, 'urlhaus.csv')], { campaign: 'Op Example', onDiagnostic() {}, warninglists: WARNINGLISTS });
    assert.deepEqual((await store.listCampaigns()).map((c) => [c.name, c.indicators]), [['Op Example', 3]]);
  });
});

const EVENT_A = '5f1e2d3c-0000-4000-8000-00000000000a';
const EVENT_B = '5f1e2d3c-0000-4000-8000-00000000000b';
const EVENT_GONE = '5f1e2d3c-0000-4000-8000-00000000000c';

function mispEvent(uuid: string, info: string, attrs: [string, string][]): string {
  return JSON.stringify({ Event: { uuid, info, date: '2024-03-01', threat_level_id: '1', analysis: '2', timestamp: '1709280000',
    Orgc: { name: 'CERT-EX', uuid: '5f1e2d3c-0000-4000-8000-0000000000ff' },
    Attribute: attrs.map(([type, value], i) => ({ uuid: `${uuid.slice(0, -2)}${String(i).padStart(2, '0')}`, type, category: 'Network activity', to_ids: true, value })) } });
}

test('a MISP feed directory is one source: its manifest lists the events, missing ones are reported, hashes.csv is skipped', async () => {
  await withCase(async (dir, store) => {
    const feed = join(dir, 'feed');
    mkdirSync(feed);
    const manifest = Object.fromEntries([EVENT_A, EVENT_B, EVENT_GONE].map((u, i) => [u, { info: `event ${i}`, date: '2024-03-01', timestamp: '1709280000', Orgc: { name: 'CERT-EX' }, Tag: [] }]));
    writeFileSync(join(feed, 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(join(feed, `${EVENT_A}.json`), mispEvent(EVENT_A, 'Op Alpha', [['domain', 'alpha.example-bad.net'], ['ip-dst', '192.0.2.200']]));
    writeFileSync(join(feed, `${EVENT_B}.json`), mispEvent(EVENT_B, 'Op Beta', [['url', 'http://beta.example-bad.net/x']]));
    // md5 of each value and its event, as MISP writes the index
    writeFileSync(join(feed, 'hashes.csv'), `e1b9bd7c4bd3c1e0a5c4f1b2f4b8b0b1,${EVENT_A}\n5d41402abc4b2a76b9719d911017c592,${EVENT_A}\n7d793037a0760186574b0282f2f435e7,${EVENT_B}\n`);
    const diags: Diagnostic[] = [];
    const r = await importIntel(store, [feed], { onDiagnostic: (d) => diags.push(d), warninglists: WARNINGLISTS });
    assert.deepEqual(diags.filter((d) => d.severity === 'error').map(formatDiagnostic), [`${join(feed, 'manifest.json')}: event ${EVENT_GONE} is listed in the manifest, but ${EVENT_GONE}.json is not in the feed`]);
    assert.deepEqual([r.files, r.formats, r.mispFeeds, r.indexesSkipped, r.added], [2, { misp: 2 }, 1, 1, 3]);
    assert.deepEqual((await collect(store.listIndicators({}))).map((i) => `${i.type}:${i.value}:${i.campaigns.join('+')}`),
      ['domain:alpha.example-bad.net:Op Alpha', 'ipv4:192.0.2.200:Op Alpha', 'url:http://beta.example-bad.net/x:Op Beta']);
    // The manifest alone names its feed: the events beside it are imported.
    await withCase(async (_d, other) => {
      const only = await importIntel(other, [join(feed, 'manifest.json')], { onDiagnostic() {}, warninglists: WARNINGLISTS });
      assert.deepEqual([only.files, only.added], [2, 3]);
    });
    // A hashes.csv outside a feed directory is an ordinary list.
    copyFileSync(join(feed, 'hashes.csv'), join(dir, 'hashes.csv'));
    const alone = await importIntel(store, [join(dir, 'hashes.csv')], { onDiagnostic() {}, warninglists: WARNINGLISTS });
    assert.equal(alone.files, 1);
  });
});
