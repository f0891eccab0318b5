/**
 * The API through app.request(): every route, its filters and pages, every
 * kind of error, the security headers, tokens and roles, uploads and their
 * jobs — on a SQLite case in a temporary folder, seeded through the store.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Hono } from 'hono';
import { campaignStats, generateApiToken, openCaseEnricher, openStore, type Store } from '../index.js';
import { appState, createApp, type AppOptions } from './app.js';
import { OPENAPI } from './openapi.js';
import { SECURITY_HEADERS, type AppEnv } from './security.js';
import { FIXTURE, T0, XSS, seedCase } from './testing/fixture.js';

let dir: string;
let store: Store;
let app: Hono<AppEnv>;
const ORIGINAL_CACHE = process.env['XDG_CACHE_HOME'];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sightline-server-'));
  // The ASN tables' cache goes to this test's folder, not the user's.
  process.env['XDG_CACHE_HOME'] = join(dir, 'cache');
  store = await openStore(join(dir, 'case.db'));
  await seedCase(store);
  app = make();
});

after(async () => {
  await store.close();
  if (ORIGINAL_CACHE === undefined) delete process.env['XDG_CACHE_HOME']; else process.env['XDG_CACHE_HOME'] = ORIGINAL_CACHE;
  rmSync(dir, { recursive: true, force: true });
});

function make(opts: Partial<AppOptions> = {}, s: Store = store): Hono<AppEnv> {
  return createApp({ store: s, auth: 'auto', uploadDir: join(dir, 'uploads'), rateLimit: { perSecond: 0 }, ...opts });
}

async function get(path: string, a: Hono<AppEnv> = app, headers: Record<string, string> = {}) {
  const res = await a.request(path, { headers });
  const text = await res.text();
  let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: res.status, headers: res.headers, body };
}

async function expectError(path: string, status: number, code: string, a: Hono<AppEnv> = app) {
  const r = await get(path, a);
  assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
  assert.equal(r.body.error.code, code, path);
  assert.equal(typeof r.body.error.message, 'string');
  return r;
}

function form(file: { name: string; content: string | Buffer } | null, fields: Record<string, string> = {}): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  if (file) f.append('file', new Blob([file.content]), file.name);
  return f;
}

async function post(path: string, body: FormData | string, a: Hono<AppEnv> = app, headers: Record<string, string> = {}) {
  const res = await a.request(path, { method: 'POST', body, headers });
  return { status: res.status, headers: res.headers, body: await res.json() as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function waitForJob(id: string, a: Hono<AppEnv> = app) {
  for (let i = 0; i < 600; i++) {
    const r = await get(`/api/jobs/${id}`, a);
    assert.equal(r.status, 200);
    if (r.body.state === 'done' || r.body.state === 'failed') return r.body;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`job ${id} did not finish`);
}

/** Every page of a cursor listing. */
async function allPages(path: string, key: string) {
  const rows: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const r = await get(`${path}${path.includes('?') ? '&' : '?'}${cursor !== null ? `cursor=${cursor}&` : ''}limit=50`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    rows.push(...r.body[key]);
    cursor = r.body.next;
    if (cursor === null) return rows;
  }
  throw new Error('too many pages');
}

describe('read routes', () => {
  test('campaigns, and a campaign\'s statistics: the same object as campaign stats --json', async () => {
    const r = await get('/api/campaigns');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.campaigns.map((c: { name: string }) => c.name), ['NetTraveler', 'Red October']);
    const s = await get('/api/campaigns/TravNet/stats');
    assert.equal(s.status, 200);
    assert.match(s.headers.get('content-type') ?? '', /^application\/json/);
    const direct = await campaignStats(store, 'NetTraveler', { enricher: await openCaseEnricher(store) });
    assert.deepEqual(s.body, JSON.parse(JSON.stringify(direct!.stats)));
    assert.equal(s.body.victims.count, FIXTURE.ntVictims);
    assert.deepEqual(s.body.victims.byCountry.map((c: { code: string; count: number }) => [c.code, c.count]), [['MN', 7], ['RU', 3], ['KZ', 1]]);
    assert.equal((await get('/api/campaigns/Red%20October/stats')).body.victims.count, 5);
    for (const [accept, encoding, decode] of [['gzip, deflate, br', 'br', brotliDecompressSync], ['gzip;q=1, br;q=0', 'gzip', gunzipSync]] as const) {
      const res = await app.request('/api/campaigns/NetTraveler/stats', { headers: { 'Accept-Encoding': accept } });
      assert.equal(res.headers.get('Content-Encoding'), encoding, accept);
      assert.deepEqual(JSON.parse(decode(Buffer.from(await res.arrayBuffer())).toString()), s.body, `${accept}: the same statistics`);
    }
    await expectError('/api/campaigns/nobody/stats', 404, 'not-found');
    await expectError('/api/campaigns/NetTraveler/stats?x=1', 400, 'bad-request');
  });

  test('statistics are cached until the case changes', async () => {
    const s = await openStore(join(dir, 'cache-case.db'));
    try {
      await seedCase(s);
      const a = make({}, s);
      const first = await get('/api/campaigns/NetTraveler/stats', a);
      const cache = appState(a).cache;
      assert.equal(await cache.view('NetTraveler'), await cache.view('travnet'), 'one view per campaign, whatever it is called');
      assert.deepEqual((await get('/api/campaigns/NetTraveler/stats', a)).body, first.body);
      const ids = new Map<string, number>();
      for await (const p of s.huntIndicators({ includeWarninglisted: true })) for (const h of p) ids.set(h.value, h.id);
      const w = await s.beginEvidence({ includeWarninglisted: false, gen: await s.currentGeneration() });
      await w.addSightings({ family: 'zeek', format: 'zeek-dns' }, [{ indicatorId: ids.get('nt.example')!, matched: 'nt.example', field: 'dns.query', ts: T0, src: '10.9.9.9', dst: null, line: 1 }]);
      w.end({ path: 'late.log', sha256: 'f'.repeat(64), size: 1, mtimeMs: 1, passes: [{ family: 'zeek', format: 'zeek-dns', lines: 1, records: 1, skipped: 0 }] });
      await w.commit();
      const stale = await get('/api/campaigns/NetTraveler/stats', a);
      assert.equal(stale.body.victims.count, FIXTURE.ntVictims, 'while it is computed again, the last statistics are served');
      await cache.settled();
      assert.equal((await get('/api/campaigns/NetTraveler/stats', a)).body.victims.count, FIXTURE.ntVictims + 1, 'then the new victim is counted');
      await s.addAssets([{ address: '10.9.9.9', kind: 'ip', organisation: 'Late Org', sector: 'energy', country: 'DE' }]);
      const after = (await cache.view('NetTraveler', { fresh: true }))!.stats;
      assert.ok(after.victims.byCountry.some((c: { code: string }) => c.code === 'DE'), 'a new asset entry re-enriches');

      // serve's way: in a worker thread with a connection of its own, the same statistics.
      const threaded = make({ statsThread: true }, s);
      try {
        const t = await get('/api/campaigns/NetTraveler/stats', threaded);
        assert.equal(t.status, 200);
        assert.deepEqual(t.body, JSON.parse(JSON.stringify(after)));
        assert.equal((await get('/api/victims?campaign=NetTraveler&country=DE', threaded)).body.total, 1);
      } finally {
        await appState(threaded).cache.close();
      }
    } finally {
      await s.close();
    }
  });

  test('victims: filters, sort, offset pages', async () => {
    const all = await get('/api/victims?campaign=NetTraveler&limit=1000');
    assert.equal(all.body.total, FIXTURE.ntVictims);
    // The body is assembled from rows encoded once each: it is still the JSON of the page, byte for byte, whatever page a row falls in.
    for (const path of ['/api/victims?campaign=NetTraveler&limit=1000', '/api/victims?campaign=NetTraveler&sort=src&limit=3&offset=2', '/api/victims?country=MN', '/api/victims?country=ZZ']) {
      const res = await app.request(path);
      assert.equal(res.headers.get('Content-Type'), 'application/json');
      const text = await res.text();
      assert.equal(text, JSON.stringify(JSON.parse(text)), path);
    }
    const bySrcAll = (await get('/api/victims?campaign=NetTraveler&sort=src&limit=1000')).body.victims;
    assert.deepEqual((await get('/api/victims?campaign=NetTraveler&sort=src&limit=3&offset=2')).body.victims, bySrcAll.slice(2, 5));
    assert.equal(all.body.victims[0].campaign, 'NetTraveler');
    const mn = await get('/api/victims?campaign=NetTraveler&country=mn');
    assert.equal(mn.body.total, 7);
    assert.ok(mn.body.victims.every((v: { country: string; sector: string }) => v.country === 'MN' && v.sector === 'diplomatic'));
    assert.equal((await get('/api/victims?campaign=NetTraveler&sector=Military')).body.total, 3);
    assert.equal((await get('/api/victims?campaign=NetTraveler&organisation=ministry%20of%20defence')).body.total, 3);
    const probe = await get(`/api/victims?organisation=${encodeURIComponent(XSS.organisation)}`);
    assert.deepEqual(probe.body.victims.map((v: { src: string }) => v.src), ['10.0.3.5']);
    assert.equal((await get('/api/victims?src=10.0.1.1')).body.total, 2, 'without campaign: every campaign\'s victims');
    const bySrc = await get('/api/victims?campaign=NetTraveler&sort=src&limit=4');
    assert.deepEqual(bySrc.body.victims.map((v: { src: string }) => v.src), ['10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.4']);
    assert.equal(bySrc.body.nextOffset, 4);
    const rest = await get('/api/victims?campaign=NetTraveler&sort=src&limit=4&offset=8');
    assert.deepEqual(rest.body.victims.map((v: { src: string }) => v.src), ['10.0.2.2', '10.0.2.3', '10.0.3.5']);
    assert.equal(rest.body.nextOffset, null);
    const desc = await get('/api/victims?campaign=NetTraveler&sort=-country');
    assert.equal(desc.body.victims[0].country, 'RU');
    assert.equal((await get('/api/victims?campaign=NetTraveler&country=ZZ')).body.total, 0);
    await expectError('/api/victims?campaign=nobody', 404, 'not-found');
    for (const bad of ['country=MNG', 'country=', 'sort=size', 'limit=0', 'limit=1001', 'offset=-1', 'asn=x', 'campaign=a&campaign=b', 'nope=1']) {
      await expectError(`/api/victims?${bad}`, 400, 'bad-request');
    }
  });

  test('sightings: every filter, cursor pages, limits', async () => {
    const all = await allPages('/api/sightings', 'sightings');
    assert.equal(all.length, FIXTURE.sightings);
    assert.deepEqual(all.map((s) => s.id), [...new Set(all.map((s) => s.id))].sort((a, b) => a - b), 'ascending, no repeats');
    const nt = await allPages('/api/sightings?campaign=travnet', 'sightings');
    assert.equal(nt.length, FIXTURE.ntSightings + 1, 'the crawler\'s sighting is a sighting (not a victim)');
    const first = await get('/api/sightings?limit=1');
    assert.deepEqual(Object.keys(first.body.sightings[0]).slice(0, 2), ['id', 'evidenceId']);
    assert.deepEqual(first.body.sightings[0].evidence, { path: 'logs/dns.log', format: 'zeek-dns', line: 9 });
    const count = async (q: string) => (await allPages(`/api/sightings?${q}`, 'sightings')).length;
    assert.equal(await count('src=10.0.1.1'), 18 + 1);
    assert.equal(await count('indicator=nt.example'), 121);
    assert.equal(await count('indicator=domain:NT.example.'), 121, 'normalised as on import');
    assert.equal(await count('indicator=ipv4:203.0.113.9'), 0);
    assert.equal(await count('indicator=yara:NT_Marker'), 1);
    assert.equal(await count('indicator=NT_Marker'), 1);
    assert.equal(await count(`indicator=${encodeURIComponent(XSS.domain)}`), 10);
    assert.equal(await count('since=2013-05-01T08:00:00Z&until=2013-05-01T14:00:00Z'), 3 + 1, 'inclusive (and the crawler at T0)');
    assert.equal(await count('since=2013-05-01&until=2013-05-01'), 6 + 1, 'a date alone covers its day');
    assert.equal(await count('since=2013-05-01T10:00:00%2B02:00&until=2013-05-01T10:00:00Z'), 1 + 1, 'zones are read');
    const ev = (await get('/api/evidence')).body.evidence as { id: number; path: string }[];
    assert.equal(await count(`evidence=${ev.find((e) => e.path === 'logs/dns.log')!.id}`), FIXTURE.dnsLines);
    assert.equal((await get('/api/sightings?limit=1000')).body.sightings.length, FIXTURE.sightings);
    await expectError('/api/sightings?campaign=nobody', 404, 'not-found');
    for (const bad of ['limit=0', 'limit=1001', 'limit=1.5', 'cursor=-1', 'cursor=x', 'since=yesterday', 'since=2013-02-30', 'until=2013-05-01T25:00:00Z',
      'since=2013-06-01&until=2013-05-01', 'indicator=domain:', 'indicator=ipv4:999.1.1.1', 'indicator=', 'evidence=0', 'src=%00', 'limit=1&limit=2', 'page=2']) {
      await expectError(`/api/sightings?${bad}`, 400, 'bad-request');
    }
  });

  test('sightings in time order: every sighting once, by time (then indicator, then id), those without a time last', async () => {
    const byId = await allPages('/api/sightings', 'sightings');
    for (const q of ['', 'campaign=NetTraveler', 'src=10.0.1.1', 'since=2013-05-01&until=2013-05-01', 'indicator=nt.example']) {
      const idOrder = q === '' ? byId : await allPages(`/api/sightings?${q}`, 'sightings');
      for (const limit of [50, 3]) {
        const rows: { id: number; ts: string | null }[] = [];
        let cursor: string | null = null;
        for (let i = 0; i < 1000; i++) {
          const r = await get(`/api/sightings?order=time&limit=${limit}${q ? `&${q}` : ''}${cursor !== null ? `&cursor=${cursor}` : ''}`);
          assert.equal(r.status, 200, JSON.stringify(r.body));
          rows.push(...r.body.sightings);
          cursor = r.body.next;
          if (cursor === null) break;
        }
        assert.deepEqual(rows.map((x) => x.id).sort((a, b) => a - b), idOrder.map((x) => x.id), `${q}: the same sightings as in id order`);
        const ts = rows.map((x) => (x.ts === null ? Infinity : Date.parse(x.ts)));
        assert.ok(ts.every((t, i) => i === 0 || ts[i - 1]! <= t), `${q}: by time, untimed last`);
        if (q === '') assert.ok(ts.includes(Infinity) && ts[0] !== Infinity, 'the case holds sightings with and without a time');
      }
    }
    const page = await get('/api/sightings?order=time&limit=2');
    assert.match(page.body.next, /^(T-?\d+|N)\.\d+\.\d+$/);
    for (const bad of ['order=size', 'order=time&cursor=12', 'order=time&cursor=T1.2', 'order=time&cursor=X.1.2', 'order=time&cursor=T1.2.3.4']) {
      await expectError(`/api/sightings?${bad}`, 400, 'bad-request');
    }
  });

  test('a campaign\'s statistics cut to the top N (the overview\'s)', async () => {
    const full = (await get('/api/campaigns/NetTraveler/stats')).body;
    const top = (await get('/api/campaigns/NetTraveler/stats?top=1')).body;
    assert.equal(top.top, 1);
    assert.deepEqual(top.victims.byOrganisation, full.victims.byOrganisation.slice(0, 1));
    assert.deepEqual(top.overlap.map((o: { victims: string[] }) => o.victims), full.overlap.map((o: { victims: string[] }) => o.victims.slice(0, 1)));
    const { top: _t, victims: tv, overlap: _to, ...rest } = top;
    const { victims: fv, overlap: _fo, ...fullRest } = full;
    assert.deepEqual(rest, fullRest, 'nothing else cut');
    assert.deepEqual({ ...tv, byOrganisation: [] }, { ...fv, byOrganisation: [] });
    assert.ok(full.victims.byOrganisation.length > 1 && full.overlap.some((o: { victims: string[] }) => o.victims.length > 1), 'the fixture has lists to cut');
    for (const bad of ['top=0', 'top=1001', 'top=x', 'nope=1']) await expectError(`/api/campaigns/NetTraveler/stats?${bad}`, 400, 'bad-request');
  });

  test('samples, indicators, evidence', async () => {
    const samples = await get('/api/samples?campaign=NetTraveler');
    assert.deepEqual(samples.body.samples.map((s: { paths: string[] }) => s.paths), [[XSS.sampleName]]);
    assert.equal((await get(`/api/samples?hash=${FIXTURE.sampleSha256.toUpperCase()}`)).body.samples.length, 1);
    assert.equal((await get(`/api/samples?hash=${'0'.repeat(32)}`)).body.samples.length, 0);
    await expectError('/api/samples?hash=abc', 400, 'bad-request');
    await expectError('/api/samples?limit=201', 400, 'bad-request');
    await expectError('/api/samples?campaign=nobody', 404, 'not-found');

    const inds = await allPages('/api/indicators?campaign=NetTraveler', 'indicators');
    assert.equal(inds.length, 7);
    assert.equal(inds.find((i) => i.value === 'nt.example').sightings, 120, 'sighting counts leave the crawler out');
    assert.deepEqual((await get('/api/indicators?sighted=false')).body.indicators.map((i: { value: string }) => i.value).sort(), ['203.0.113.9', 'unseen.example']);
    assert.deepEqual((await get('/api/indicators?q=SHARED')).body.indicators[0].campaigns, ['NetTraveler', 'Red October']);
    assert.equal((await get('/api/indicators?type=yara')).body.indicators[0].value, 'NT_Marker');
    await expectError('/api/indicators?type=hostname', 400, 'bad-request');
    await expectError('/api/indicators?sighted=yes', 400, 'bad-request');

    const ev = await get('/api/evidence');
    assert.deepEqual(ev.body.evidence.map((e: { path: string; sightings: number }) => [e.path, e.sightings]),
      [['logs/dns.log', 120], ['logs/proxy.log', 54], [XSS.sampleName, 1]]);
    assert.equal(ev.body.evidence[1].skipped, 2);
    const one = await get(`/api/evidence/${ev.body.evidence[0].id}`);
    assert.deepEqual(one.body, ev.body.evidence[0]);
    await expectError('/api/evidence/999', 404, 'not-found');
    for (const bad of ['0', 'x', '1.5', '-1']) await expectError(`/api/evidence/${bad}`, 400, 'bad-request');
  });

  test('whoami, jobs, unknown paths and methods', async () => {
    const me = await get('/api/whoami');
    assert.equal(me.body.role, 'analyst');
    assert.equal(me.body.auth, 'auto');
    assert.deepEqual((await get('/api/jobs')).body, { jobs: [] });
    await expectError('/api/jobs/nope', 404, 'not-found');
    await expectError('/api/jobs/%3Cscript%3E', 404, 'not-found');
    await expectError('/api/nothing', 404, 'not-found');
    await expectError('/index.php', 404, 'not-found');
    const r = await app.request('/api/campaigns', { method: 'POST' });
    assert.equal(r.status, 405);
    assert.equal((await r.json() as { error: { code: string } }).error.code, 'method-not-allowed');
  });

  test('no query string makes a read route answer 500', async () => {
    const routes = ['/api/victims', '/api/sightings', '/api/samples', '/api/indicators', '/api/evidence', '/api/campaigns', '/api/whoami',
      '/api/campaigns/NetTraveler/stats', '/api/evidence/1', '/api/evidence/1/lines', '/api/jobs/x'];
    const names = ['campaign', 'country', 'sector', 'organisation', 'asn', 'src', 'sort', 'limit', 'offset', 'cursor', 'indicator', 'since', 'until',
      'evidence', 'hash', 'type', 'q', 'sighted', 'from', 'count'];
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...routes),
      fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names), fc.string()), fc.oneof(fc.string(), fc.integer().map(String), fc.constantFrom('', '-1', '1e3', '2013-05-01', 'domain:x', '%', '\u0000'))), { maxLength: 4 }),
      async (route, params) => {
        const qs = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        const res = await app.request(`${route}?${qs}`);
        assert.ok(res.status < 500, `${route}?${qs}: ${res.status} ${await res.text()}`);
        assert.ok(res.status === 200 || res.status === 400 || res.status === 404, `${route}?${qs}: ${res.status}`);
      },
    ), { numRuns: 300 });
  });
});

describe('security', () => {
  test('every response carries the security headers, errors and files alike', async () => {
    for (const path of ['/api/campaigns', '/api/nothing', '/api/sightings?limit=0', '/', '/api/openapi.json']) {
      const res = await app.request(path);
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) assert.equal(res.headers.get(k), v, `${path}: ${k}`);
    }
    assert.equal(SECURITY_HEADERS['Content-Security-Policy'], "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
      "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    assert.equal((await app.request('/api/campaigns')).headers.get('Cache-Control'), 'no-store');
    assert.match((await app.request('/api/campaigns')).headers.get('Server-Timing') ?? '', /^app;dur=\d+\.\d{2}$/);
    assert.equal((await app.request('/api/campaigns')).headers.get('Set-Cookie'), null);
  });

  test('tokens: 401 without one when required, readers read and cannot write, analysts write', async () => {
    const s = await openStore(join(dir, 'auth-case.db'));
    try {
      await seedCase(s);
      const open = make({}, s);
      assert.equal((await get('/api/campaigns', open)).status, 200, 'no token in the case: loopback needs none');
      const required = make({ auth: 'required' }, s);
      const none = await get('/api/campaigns', required);
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'unauthorized');
      assert.match(none.headers.get('WWW-Authenticate') ?? '', /^Bearer/);
      assert.equal((await get('/api/openapi.json', required)).status, 200, 'the description is public');

      const reader = generateApiToken();
      const analyst = generateApiToken();
      await s.addApiToken({ sha256: reader.sha256, role: 'reader', name: 'r' });
      await s.addApiToken({ sha256: analyst.sha256, role: 'analyst', name: null });
      for (const a of [open, required]) {
        assert.equal((await get('/api/campaigns', a)).status, 401, 'a token in the case: every request needs one');
        assert.equal((await get('/api/campaigns', a, { Authorization: `Bearer ${reader.token}x` })).status, 401);
        assert.equal((await get('/api/campaigns', a, { Authorization: `Basic ${reader.token}` })).status, 401);
        assert.equal((await get('/api/campaigns', a, { Authorization: `Bearer ${'x'.repeat(600)}` })).status, 401);
        const ok = await get('/api/whoami', a, { Authorization: `Bearer ${reader.token}` });
        assert.equal(ok.status, 200);
        assert.equal(ok.body.role, 'reader');
        const w = await post('/api/assets', form({ name: 'a.csv', content: 'address,organisation\n10.0.0.1,X\n' }), a, { Authorization: `Bearer ${reader.token}` });
        assert.equal(w.status, 403);
        assert.equal(w.body.error.code, 'forbidden');
        const aw = await post('/api/assets', form({ name: 'a.csv', content: 'address,organisation\n10.7.0.1,X\n' }), a, { Authorization: `Bearer ${analyst.token}` });
        assert.equal(aw.status, 200, JSON.stringify(aw.body));
      }
      const [t] = await s.listApiTokens();
      await s.revokeApiToken(t!.id);
      assert.equal((await get('/api/campaigns', required, { Authorization: `Bearer ${reader.token}` })).status, 401, 'revoked at once');
    } finally {
      await s.close();
    }
  });

  test('without tokens: loopback host names only (DNS rebinding), and no writes from another origin', async () => {
    for (const host of ['evil.example', 'evil.example:8080', '127.0.0.1.evil.example', '10.0.0.1']) {
      const r = await get('/api/campaigns', app, { Host: host });
      assert.equal(r.status, 403, host);
    }
    for (const host of ['127.0.0.1:8080', 'localhost', '[::1]:9']) assert.equal((await get('/api/campaigns', app, { Host: host })).status, 200, host);
    const cross = await post('/api/assets', form({ name: 'a.csv', content: 'address\n10.0.0.9\n' }), app, { Origin: 'http://evil.example' });
    assert.equal(cross.status, 403);
    const site = await post('/api/assets', form({ name: 'a.csv', content: 'address\n10.0.0.9\n' }), app, { 'Sec-Fetch-Site': 'cross-site' });
    assert.equal(site.status, 403);
    const same = await post('/api/assets', form({ name: 'a.csv', content: 'address\n10.0.0.9\n' }), app, { Origin: 'http://localhost' });
    assert.equal(same.status, 200);
  });

  test('rate limit: a token bucket per client address, 429 with Retry-After', async () => {
    const a = make({ rateLimit: { perSecond: 1, burst: 3 }, clientAddress: (c) => c.req.header('X-Test-Client') ?? 'x' });
    for (let i = 0; i < 3; i++) assert.equal((await get('/api/whoami', a, { 'X-Test-Client': 'a' })).status, 200);
    const r = await get('/api/whoami', a, { 'X-Test-Client': 'a' });
    assert.equal(r.status, 429);
    assert.equal(r.body.error.code, 'rate-limited');
    assert.equal(r.headers.get('Retry-After'), '1');
    assert.equal((await get('/api/whoami', a, { 'X-Test-Client': 'b' })).status, 200, 'another client has its own bucket');
  });
});

describe('uploads and jobs', () => {
  const squid = (lines: number, host: string) => Array.from({ length: lines }, (_, i) =>
    `${1367571000 + i}.101    212 10.0.1.${(i % 5) + 1} TCP_MISS/200 4211 GET http://${host}/news/${i} - HIER_DIRECT/198.51.100.61 text/html`).join('\n') + '\n';

  test('an evidence upload is hunted as a job, and its sightings appear', async () => {
    const r = await post('/api/hunts', form({ name: '../../etc/proxy access.log', content: squid(25, 'www.nt.example') }));
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.match(r.headers.get('Location') ?? '', /^\/api\/jobs\/[A-Za-z0-9_-]+$/);
    assert.equal(r.body.job.file.name, 'proxy_access.log', 'the name is sanitised');
    const job = await waitForJob(r.body.job.id);
    assert.equal(job.state, 'done', JSON.stringify(job));
    assert.equal(job.result.sightings, 25);
    assert.equal(job.progress.total, job.file.size);
    assert.equal(job.progress.bytes, job.file.size);
    assert.equal(job.progress.label, 'sightings');
    const evidence = job.result.evidence;
    assert.ok(evidence.path.startsWith(join(dir, 'uploads')), 'kept in the upload folder');
    assert.ok(existsSync(evidence.path));
    const rows = await allPages(`/api/sightings?evidence=${evidence.id}`, 'sightings');
    assert.equal(rows.length, 25);
    const lines = await get(`/api/evidence/${evidence.id}/lines?from=${rows[3].evidence.line}&count=2`);
    assert.equal(lines.status, 200, JSON.stringify(lines.body));
    assert.deepEqual(lines.body.lines.map((l: { n: number }) => l.n), [4, 5]);
    assert.match(lines.body.lines[0].text, / 10\.0\.1\.4 TCP_MISS\/200 4211 GET http:\/\/www\.nt\.example\/news\/3 /);
    assert.deepEqual((await get(`/api/evidence/${evidence.id}/lines?from=25&count=50`)).body.lines.map((l: { n: number }) => l.n), [25]);
    assert.deepEqual((await get(`/api/evidence/${evidence.id}/lines?from=26`)).body.lines, []);
    await expectError(`/api/evidence/${evidence.id}/lines?count=51`, 400, 'bad-request');
    await expectError(`/api/evidence/${evidence.id}/lines?from=0`, 400, 'bad-request');
    appendFileSync(evidence.path, 'one more line\n');
    await expectError(`/api/evidence/${evidence.id}/lines`, 409, 'conflict');
    assert.equal(rows[0].evidence.line, 1);
    assert.equal(rows[0].indicator.value, 'nt.example');
    assert.equal((await get('/api/jobs')).body.jobs[0].id, job.id);
  });

  test('evidence lines: gzip read through, long lines cut, a missing file said', async () => {
    const s = await openStore(join(dir, 'lines-case.db'));
    try {
      await seedCase(s);
      const a = make({}, s);
      const text = Array.from({ length: 30 }, (_, i) => (i === 9 ? 'x'.repeat(5000) : `line ${i + 1}`)).join('\r\n');
      const path = join(dir, 'dns.log.gz');
      writeFileSync(path, gzipSync(text));
      const ids = new Map<string, number>();
      for await (const p of s.huntIndicators({ includeWarninglisted: true })) for (const h of p) ids.set(h.value, h.id);
      const w = await s.beginEvidence({ includeWarninglisted: false, gen: await s.currentGeneration() });
      await w.addSightings({ family: 'zeek', format: 'zeek-dns' }, [{ indicatorId: ids.get('nt.example')!, matched: 'nt.example', field: 'dns.query', ts: T0, src: '10.0.1.1', dst: null, line: 10 }]);
      const { statSync } = await import('node:fs');
      const st = statSync(path);
      w.end({ path, sha256: 'c'.repeat(64), size: st.size, mtimeMs: st.mtimeMs, passes: [{ family: 'zeek', format: 'zeek-dns', lines: 30, records: 30, skipped: 0 }] });
      const [out] = await w.commit();
      const r = await get(`/api/evidence/${out!.evidenceId}/lines?from=9&count=3`, a);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.lines.map((l: { n: number; text: string; truncated: boolean }) => [l.n, l.text.length, l.truncated]), [[9, 6, false], [10, 4096, true], [11, 7, false]]);
      assert.equal(r.body.lines[0].text, 'line 9', 'CR of CRLF dropped');
      const dns = (await get('/api/evidence', a)).body.evidence.find((e: { path: string }) => e.path === 'logs/dns.log');
      await expectError(`/api/evidence/${dns.id}/lines`, 404, 'not-found', a);
    } finally {
      await s.close();
    }
  });

  test('an intel upload is imported as a job; the file is not kept', async () => {
    const r = await post('/api/intel', form({ name: 'extra.txt', content: 'fresh.example\n198.51.100.200\nnot a value at all\n' }, { campaign: 'TravNet' }));
    assert.equal(r.status, 202);
    const job = await waitForJob(r.body.job.id);
    assert.equal(job.state, 'done', JSON.stringify(job));
    assert.equal(job.result.added, 2);
    assert.equal(job.diagnostics.errors, 1, JSON.stringify(job.diagnostics));
    assert.ok(job.diagnostics.messages.some((m: string) => /^extra\.txt:3: /.test(m.slice(m.lastIndexOf('/') + 1))), JSON.stringify(job.diagnostics));
    const found = await get('/api/indicators?q=fresh.example');
    assert.deepEqual(found.body.indicators[0].campaigns, ['NetTraveler']);
    assert.deepEqual(readdirSync(join(dir, 'uploads')).filter((d) => readdirSync(join(dir, 'uploads', d)).includes('extra.txt')), []);
  });

  test('a hunt with nothing to hunt fails as a job, with the reason', async () => {
    const r = await post('/api/hunts', form({ name: 'x.log', content: squid(2, 'a.example') }, { campaign: 'nobody' }));
    const job = await waitForJob(r.body.job.id);
    assert.equal(job.state, 'failed');
    assert.match(job.error, /no campaign named "nobody"/);
  });

  test('413 on an oversized upload (streamed and by Content-Length), 415 and 400 on bad bodies; nothing left behind', async () => {
    const small = make({ maxUploadBytes: 1000, uploadDir: join(dir, 'small-uploads') });
    const big = await post('/api/hunts', form({ name: 'big.log', content: Buffer.alloc(5000, 0x61) }), small);
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'too-large');
    const huge = await small.request('/api/hunts', { method: 'POST', body: 'x', headers: { 'Content-Type': 'multipart/form-data; boundary=b', 'Content-Length': String(10 ** 9) } });
    assert.equal(huge.status, 413);
    assert.deepEqual(readdirSync(join(dir, 'small-uploads')), [], 'no partial file is left');

    const notForm = await post('/api/hunts', 'hello', small, { 'Content-Type': 'text/plain' });
    assert.equal(notForm.status, 415);
    assert.equal((await post('/api/hunts', form(null, { campaign: 'x' }), small)).status, 400, 'no file');
    assert.equal((await post('/api/hunts', form({ name: 'a.log', content: 'x' }, { extra: 'y' }), small)).status, 400, 'unknown field');
    assert.equal((await post('/api/hunts', form({ name: 'a.log', content: 'x' }, { format: 'exe' }), small)).status, 400, 'unknown format');
    assert.equal((await post('/api/intel', form({ name: 'a.txt', content: 'x' }, { campaign: 'a\u0001b' }), small)).status, 400);
    const cut = await small.request('/api/hunts', { method: 'POST', body: '--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc', headers: { 'Content-Type': 'multipart/form-data; boundary=b' } });
    assert.equal(cut.status, 400, 'a body that ends early');
    assert.equal((await small.request('/api/hunts?x=1', { method: 'POST' })).status, 400);
    assert.deepEqual(readdirSync(join(dir, 'small-uploads')), []);
  });

  test('the asset directory: a CSV upload, its bad rows said', async () => {
    const r = await post('/api/assets', form({ name: 'assets.csv', content: 'address,organisation,sector,country\n10.0.4.0/24,Energy Co,energy,DE\nnot-an-address!,X,,\n' }));
    assert.equal(r.status, 200);
    assert.equal(r.body.added, 1);
    assert.equal(r.body.skipped, 1);
    assert.match(r.body.diagnostics.messages[0], /^assets\.csv:3:/);
  });
});

describe('OpenAPI', () => {
  test('every route is described, and every operation described is a route', () => {
    const routes = new Set(app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/'))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`));
    const described = new Set(Object.entries(OPENAPI.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`)));
    assert.deepEqual([...routes].sort(), [...described].sort());
    for (const [p, item] of Object.entries(OPENAPI.paths)) {
      for (const op of Object.values(item)) {
        assert.ok(op.responses['400'], `${p}: 400 described`);
        for (const name of p.match(/\{(\w+)\}/g) ?? []) {
          assert.ok(op.parameters?.some((x) => 'name' in x && `{${x.name}}` === name && x.in === 'path'), `${p}: ${name} described`);
        }
      }
    }
    const refs = JSON.stringify(OPENAPI).match(/#\/components\/(\w+)\/(\w+)/g) ?? [];
    for (const r of refs) {
      const [, kind, name] = r.split('/').slice(1);
      assert.ok((OPENAPI.components as unknown as Record<string, Record<string, unknown>>)[kind!]?.[name!], `${r} resolves`);
    }
  });

  test('served at /api/openapi.json', async () => {
    const r = await get('/api/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.body.openapi, '3.1.0');
  });
});
