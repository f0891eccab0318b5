/**
 * `intel pull --taxii` against a TAXII 2.1 server of the tests' own on
 * 127.0.0.1: a collection pulled in pages, a second pull fetching only what
 * was added since, an expired token, a server answering garbage or hanging
 * (clear errors, nothing half-imported).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { loadWarninglists } from '../hunt/intel-import.js';
import { pullTaxii, taxiiStateName } from './taxii-pull.js';
import { TaxiiClient, TaxiiError } from './taxii-client.js';
import { startTaxiiServer, type TestCollection } from './testing/taxii-server.js';

const WARNINGLISTS = loadWarninglists();
const T0 = '2016-11-02T10:00:00Z';

function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

const MALWARE = { type: 'malware', spec_version: '2.1', id: `malware--${uuid(1)}`, created: T0, modified: T0, name: 'NetTraveler', aliases: ['TravNet'], is_family: true };

function indicator(n: number, domain: string): Record<string, unknown> {
  return { type: 'indicator', spec_version: '2.1', id: `indicator--${uuid(100 + n)}`, created: T0, modified: T0,
    pattern: `[domain-name:value = '${domain}']`, pattern_type: 'stix', valid_from: T0 };
}

function indicates(n: number): Record<string, unknown> {
  return { type: 'relationship', spec_version: '2.1', id: `relationship--${uuid(200 + n)}`, created: T0, modified: T0,
    relationship_type: 'indicates', source_ref: `indicator--${uuid(100 + n)}`, target_ref: MALWARE.id };
}

/** Objects added one second apart from 2016-11-02T10:00:01Z. */
function added(objects: Record<string, unknown>[], from = 1): TestCollection['objects'] {
  return objects.map((object, i) => ({ dateAdded: new Date(Date.parse(T0) + (from + i) * 1000).toISOString().replace('.000Z', '.000000Z'), object }));
}

async function withCase(f: (store: Store) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-taxii-'));
  const store = await openStore(join(dir, 'case.db'));
  try {
    await f(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function listed(store: Store): Promise<string[]> {
  const out: string[] = [];
  for await (const i of store.listIndicators({})) out.push(`${i.value} ${i.campaigns.join('+')} ${i.sources.join('+')}`);
  return out;
}

// A relationship before its indicator, across page boundaries too; one indicator indicating nothing.
const FIRST = [MALWARE, indicates(1), indicator(1, 'a.example-apt.net'), indicates(2), indicator(2, 'b.example-apt.net'), indicates(3),
  indicator(3, 'c.example-apt.net'), indicates(4), indicator(4, 'd.example-apt.net'), indicator(5, 'loose.example-apt.net')];
const LATER = [indicates(6), indicator(6, 'e.example-apt.net')];

test('a pull imports a collection in pages; a second pull imports only what was added since', async () => {
  const collection: TestCollection = { id: '91a7b528-80eb-42ed-a74d-c6fbd5a26116', title: 'High Value Indicators', objects: added(FIRST) };
  const server = await startTaxiiServer({ tokens: ['s3cret'], pageSize: 4, collections: [collection] });
  try {
    await withCase(async (store) => {
      const diags: Diagnostic[] = [];
      const pages: number[] = [];
      const opts = { url: server.url, auth: { token: 's3cret' }, warninglists: WARNINGLISTS, onDiagnostic: (d: Diagnostic) => diags.push(d), onPage: (p: { objects: number }) => pages.push(p.objects) };
      const r = await pullTaxii(store, opts);
      assert.deepEqual(diags.map(formatDiagnostic), []);
      assert.deepEqual(pages, [4, 4, 2]);
      const c = r.collections[0]!;
      assert.deepEqual([r.collections.length, c.pages, c.objects, c.added, c.addedAfter], [1, 3, 10, 5, '2016-11-02T10:00:10.000000Z']);
      assert.deepEqual(await listed(store), [
        'a.example-apt.net NetTraveler taxii:High Value Indicators',
        'b.example-apt.net NetTraveler taxii:High Value Indicators',
        'c.example-apt.net NetTraveler taxii:High Value Indicators',
        'd.example-apt.net NetTraveler taxii:High Value Indicators',
        'loose.example-apt.net High Value Indicators taxii:High Value Indicators',
      ]);
      assert.equal(await store.resolveCampaign('TravNet'), 'NetTraveler');
      const apiRoot = server.url.replace('/taxii2/', '/api1/');
      assert.equal(await store.syncState(taxiiStateName(apiRoot, collection.id)), '2016-11-02T10:00:10.000000Z');
      const objectRequests = server.requests.filter((q) => q.includes('/objects/'));
      assert.deepEqual(objectRequests, [
        `/api1/collections/${collection.id}/objects/?limit=1000`,
        `/api1/collections/${collection.id}/objects/?next=4&limit=1000`,
        `/api1/collections/${collection.id}/objects/?next=8&limit=1000`,
      ]);

      // The server adds two objects; the next pull asks for what was added after the mark, and gets only them.
      collection.objects.push(...added(LATER, 11));
      server.requests.length = 0;
      const again = await pullTaxii(store, opts);
      assert.deepEqual(server.requests.filter((q) => q.includes('/objects/')), [
        `/api1/collections/${collection.id}/objects/?added_after=2016-11-02T10%3A00%3A10.000000Z&limit=1000`,
      ]);
      const c2 = again.collections[0]!;
      assert.deepEqual([c2.pages, c2.objects, c2.added, c2.merged, c2.addedAfter], [1, 2, 1, 0, '2016-11-02T10:00:12.000000Z']);
      assert.deepEqual((await listed(store)).length, 6);
      // Nothing new: one request, nothing imported, the mark unchanged.
      const none = await pullTaxii(store, opts);
      assert.deepEqual([none.collections[0]!.pages, none.collections[0]!.addedAfter], [0, '2016-11-02T10:00:12.000000Z']);
    });
  } finally {
    await server.close();
  }
});

test('a server without next: the client pages by added_after; an API root URL works as the discovery URL does', async () => {
  const collection: TestCollection = { id: 'c1', title: '', objects: added(FIRST) };
  const server = await startTaxiiServer({ pageSize: 3, collections: [collection], noNext: true });
  try {
    await withCase(async (store) => {
      const r = await pullTaxii(store, { url: server.url.replace('/taxii2/', '/api1/'), collection: 'c1', auth: null, warninglists: WARNINGLISTS, onDiagnostic: (d) => assert.fail(formatDiagnostic(d)) });
      assert.deepEqual([r.collections[0]!.pages, r.collections[0]!.objects, r.collections[0]!.added], [4, 10, 5]);
      assert.deepEqual(server.requests.filter((q) => q.includes('/objects/')).map((q) => new URL(q, 'http://x').searchParams.get('added_after')),
        [null, '2016-11-02T10:00:03.000000Z', '2016-11-02T10:00:06.000000Z', '2016-11-02T10:00:09.000000Z']);
      assert.ok((await listed(store)).includes('loose.example-apt.net c1 taxii:c1'));
    });
  } finally {
    await server.close();
  }
});

test('an expired token is a clear 401 error and nothing is imported', async () => {
  const server = await startTaxiiServer({ tokens: ['new'], expiredTokens: ['old'], pageSize: 4, collections: [{ id: 'c1', title: 'C', objects: added(FIRST) }] });
  try {
    await withCase(async (store) => {
      await assert.rejects(pullTaxii(store, { url: server.url, auth: { token: 'old' }, onDiagnostic() {} }),
        (e: unknown) => e instanceof TaxiiError && e.status === 401 && /401 Unauthorized \(Unauthorized: token expired\): the server refused the credentials; the token may have expired/.test(e.message));
      assert.deepEqual(await listed(store), []);
    });
  } finally {
    await server.close();
  }
});

test('garbage mid-pull: the pages before it stay, the bad page adds nothing, the next pull goes on from the last good page', async () => {
  const collection: TestCollection = { id: 'c1', title: 'C', objects: added(FIRST) };
  const server = await startTaxiiServer({ pageSize: 4, collections: [collection], garbageOnPage: 2 });
  try {
    await withCase(async (store) => {
      const opts = { url: server.url, auth: null, warninglists: WARNINGLISTS, onDiagnostic() {} };
      await assert.rejects(pullTaxii(store, opts), (e: unknown) => e instanceof TaxiiError
        && /objects\/\?next=4&limit=1000: the answer is not TAXII JSON \(content-type text\/html; starts "<html><body>502 Bad Gateway/.test(e.message));
      assert.deepEqual(await listed(store), ['a.example-apt.net NetTraveler taxii:C']);
      const r = await pullTaxii(store, opts);
      assert.deepEqual([r.collections[0]!.objects, r.collections[0]!.added], [6, 4]);
      assert.equal((await listed(store)).length, 5);
    });
  } finally {
    await server.close();
  }
});

test('a server that hangs times out with a clear error and nothing is imported', async () => {
  const server = await startTaxiiServer({ pageSize: 4, collections: [{ id: 'c1', title: 'C', objects: added(FIRST) }], hangOnPage: 1 });
  try {
    await withCase(async (store) => {
      await assert.rejects(pullTaxii(store, { url: server.url, auth: null, timeoutMs: 300, onDiagnostic() {} }),
        (e: unknown) => e instanceof TaxiiError && /objects\/\?limit=1000: no answer within 0\.3 s/.test(e.message));
      assert.deepEqual(await listed(store), []);
    });
  } finally {
    await server.close();
  }
});

test('the client stays on the server named: another origin, redirects and credentials over plain http elsewhere are refused', async () => {
  const c = new TaxiiClient('http://127.0.0.1:9/taxii2/', { auth: { token: 't' } });
  assert.throws(() => c.resolve('https://elsewhere.example/api1/', 'http://127.0.0.1:9/taxii2/'), /another server than the one named/);
  assert.equal(c.resolve('/api1/', 'http://127.0.0.1:9/taxii2/'), 'http://127.0.0.1:9/api1/');
  assert.throws(() => new TaxiiClient('http://taxii.example.org/taxii2/', { auth: { token: 't' } }), /refusing to send credentials over plain http/);
  assert.throws(() => new TaxiiClient('ftp://x/', { auth: null }), /not an http\(s\) URL/);
});
