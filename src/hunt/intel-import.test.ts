/**
 * The importer over many files and bad ones: a directory of 10,000 files, a
 * 0-byte file, a binary file, text in no format, a truncated STIX bundle, a
 * malformed one; campaign naming; warninglist flags; merging on re-import.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/index.js';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { importIntel, loadWarninglists } from './intel-import.js';

const WARNINGLISTS = loadWarninglists();

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('a directory of 10,000 IOC files imports, one campaign per file name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-import-'));
  const store = await openStore(join(dir, 'case.db'));
  try {
    const intel = join(dir, 'intel');
    mkdirSync(intel);
    for (let i = 0; i < 10_000; i++) writeFileSync(join(intel, `list-${String(i).padStart(5, '0')}.txt`), `c2-${i}.example-apt.com\nshared.example-apt.com\n`);
    const diags: Diagnostic[] = [];
    const r = await importIntel(store, [intel], { onDiagnostic: (d) => diags.push(d), warninglists: WARNINGLISTS });
    assert.deepEqual(diags, []);
    assert.equal(r.files, 10_000);
    assert.deepEqual(r.formats, { ioc: 10_000 });
    assert.equal(r.added, 10_001);
    const shared = await collect(store.listIndicators({ campaign: 'list-04242' }));
    assert.deepEqual(shared.map((i) => i.value), ['shared.example-apt.com', 'c2-4242.example-apt.com']);
    assert.equal(shared[0]!.campaigns.length, 10_000);
    assert.equal((await store.listCampaigns()).length, 10_000);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad inputs are reported with the known formats and the others still import; re-import merges', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-import-'));
  const store = await openStore(join(dir, 'case.db'));
  try {
    const p = (n: string) => join(dir, n);
    writeFileSync(p('empty.txt'), '');
    writeFileSync(p('binary.bin'), Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]), randomBytes(4096)]));
    const bundle = JSON.stringify({ type: 'bundle', id: 'bundle--1', objects: [
      { type: 'malware', spec_version: '2.1', id: 'malware--00000000-0000-4000-8000-000000000001', created: '2013-06-04T00:00:00Z', modified: '2013-06-04T00:00:00Z', name: 'NetTraveler', aliases: ['TravNet'], is_family: true },
      { type: 'indicator', spec_version: '2.1', id: 'indicator--00000000-0000-4000-8000-000000000002', created: '2013-06-04T00:00:00Z', modified: '2013-06-04T00:00:00Z', pattern: "[domain-name:value = 'viprainru.com']", pattern_type: 'stix', valid_from: '2013-06-04T00:00:00Z' },
      { type: 'relationship', spec_version: '2.1', id: 'relationship--00000000-0000-4000-8000-000000000003', created: '2013-06-04T00:00:00Z', modified: '2013-06-04T00:00:00Z', relationship_type: 'indicates', source_ref: 'indicator--00000000-0000-4000-8000-000000000002', target_ref: 'malware--00000000-0000-4000-8000-000000000001' },
    ] });
    writeFileSync(p('cut.json'), bundle.slice(0, bundle.length - 40));
    writeFileSync(p('good.json'), bundle);
    writeFileSync(p('list.txt'), 'ViprainRU[.]com\n8.8.8.8\nnot an indicator at all\n');
    const diags: Diagnostic[] = [];
    const r = await importIntel(store, [p('empty.txt'), p('binary.bin'), p('cut.json'), p('good.json'), p('list.txt')],
      { onDiagnostic: (d) => diags.push(d), warninglists: WARNINGLISTS });
    const text = diags.map(formatDiagnostic);
    assert.equal(text[0], `${p('empty.txt')}: empty file; known formats are: stix, misp, yara, ioc, urlhaus, threatfox, malwarebazaar, feodo, sslbl, otx, report`);
    assert.equal(text[1], `${p('binary.bin')}: not a known intel format; known formats are: stix, misp, yara, ioc, urlhaus, threatfox, malwarebazaar, feodo, sslbl, otx, report`);
    assert.match(text[2]!, new RegExp(`^${p('cut.json')}:byte 824: truncated: JSON ends early at byte 824`));
    assert.ok(text.includes(`${p('list.txt')}:2: warning: ipv4 8.8.8.8 is on warninglist public-dns-v4: imported, not hunted unless --include-warninglisted`));
    assert.ok(text.some((t) => t.startsWith(`${p("list.txt")}:3: not an indicator: `)), text.join("\n"));
    assert.equal(r.files, 3);
    assert.equal(r.errors, 4);
    assert.deepEqual(await collect(store.listIndicators({})), [
      { type: 'domain', value: 'viprainru.com', campaigns: ['NetTraveler', 'list'], sources: ['good.json', 'list.txt'], warninglist: null },
      { type: 'ipv4', value: '8.8.8.8', campaigns: ['list'], sources: ['list.txt'], warninglist: 'public-dns-v4' },
    ]);
    assert.equal(await store.resolveCampaign('travnet'), 'NetTraveler');
    const again = await importIntel(store, [p('good.json'), p('list.txt')], { campaign: 'TravNet', onDiagnostic() {}, warninglists: WARNINGLISTS });
    assert.deepEqual([again.added, again.merged], [0, 3]);
    const after = await collect(store.listIndicators({ campaign: 'NetTraveler' }));
    assert.deepEqual(after.map((i) => [i.value, i.campaigns]), [['viprainru.com', ['NetTraveler', 'list']], ['8.8.8.8', ['NetTraveler', 'list']]]);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
