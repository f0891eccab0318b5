/**
 * The API's read routes (docs/api.md): campaigns and their statistics,
 * victims, sightings, samples, indicators, evidence, jobs. Every query
 * parameter is validated (params.ts); listings are pages, with a cursor (the
 * last row's id) or, for victims, an offset.
 */
import type { Hono } from 'hono';
import {
  GEO_CREDITS, VERSION, inferIndicator, isIndicatorType, normalizeIndicator, INDICATOR_TYPES, type IndicatorType, type SightingFilter, type SightingOrder,
  type Store, type Victim,
} from '../index.js';
import { encodedBody, topOf, type CampaignCache, type CampaignView } from './campaign-cache.js';
import { ApiError } from './errors.js';
import { MAX_LINES, readEvidenceLines } from './evidence-lines.js';
import type { JobRunner } from './jobs.js';
import { Query, timeCursor } from './params.js';
import type { AppEnv, AuthMode } from './security.js';

/** Rows a page may hold, at most and by default. */
export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 100;
/** Samples carry their PE facts: fewer to a page. */
export const MAX_SAMPLE_PAGE = 200;
export const DEFAULT_SAMPLE_PAGE = 50;
/** Longest campaign name or host accepted in a filter. */
const MAX_NAME_CHARS = 256;

/** Indicators listed per victim in a page (`indicatorCount` says how many there are). */
export const MAX_VICTIM_INDICATORS = 20;

/** How victims may be sorted (a leading `-`: descending). */
export const VICTIM_SORTS = ['sightings', 'src', 'country', 'sector', 'organisation', 'firstSeen', 'lastSeen', 'hostIds'] as const;

export interface ReadContext {
  store: Store;
  cache: CampaignCache;
  jobs: JobRunner;
  auth: AuthMode;
  maxUploadBytes: number;
}

const next = (rows: { id: number }[], limit: number): string | null => (rows.length === limit ? String(rows[rows.length - 1]!.id) : null);

function name(q: Query, param: string): string | undefined {
  const v = q.string(param);
  if (v !== undefined && v.length > MAX_NAME_CHARS) throw new ApiError('bad-request', `query parameter ${param} is longer than ${MAX_NAME_CHARS} characters`);
  return v;
}

/** `type:value` or a bare value, normalised as the case stores it. */
export function parseIndicatorParam(v: string): { type?: IndicatorType; value: string } {
  const colon = v.indexOf(':');
  const prefix = colon > 0 ? v.slice(0, colon) : '';
  if (isIndicatorType(prefix)) {
    const raw = v.slice(colon + 1);
    if (prefix === 'yara') return { type: 'yara', value: raw };
    const value = normalizeIndicator(prefix, raw);
    if (value === null) throw new ApiError('bad-request', `query parameter indicator: ${JSON.stringify(raw.slice(0, 80))} is not a valid ${prefix}`);
    return { type: prefix, value };
  }
  const inferred = inferIndicator(v);
  return inferred ? { type: inferred.type, value: inferred.value } : { value: v };
}

/** Selections of a view's victims, by filter and order, a few per view (dropped with the view). */
const MAX_MEMO_PER_VIEW = 32;
const selections = new WeakMap<CampaignView, Map<string, { campaign: string; v: Victim }[]>>();

function memo(view: CampaignView, key: string, make: () => { campaign: string; v: Victim }[]): { campaign: string; v: Victim }[] {
  let m = selections.get(view);
  if (!m) { m = new Map(); selections.set(view, m); }
  let rows = m.get(key);
  if (!rows) {
    if (m.size >= MAX_MEMO_PER_VIEW) m.delete(m.keys().next().value!);
    rows = make();
    m.set(key, rows);
  }
  return rows;
}

/** Each victim's row in a victims page as JSON, kept with the victim (so dropped with its view): pages run to ~80 kB. */
const victimRows = new WeakMap<Victim, string>();

/** A victim as a page lists it: with its campaign and its first indicators (a busy victim hits hundreds) and how many there are. */
function victimRowJson(campaign: string, v: Victim): string {
  let json = victimRows.get(v);
  if (json === undefined) {
    json = JSON.stringify({ campaign, ...v, indicators: v.indicators.slice(0, MAX_VICTIM_INDICATORS), indicatorCount: v.indicators.length });
    victimRows.set(v, json);
  }
  return json;
}

function sortVictims(rows: { campaign: string; v: Victim }[], sort: string): void {
  const desc = sort.startsWith('-');
  const key = (desc ? sort.slice(1) : sort) as (typeof VICTIM_SORTS)[number];
  const text = (v: Victim): string | null => {
    switch (key) {
      case 'src': return v.src;
      case 'country': return v.country;
      case 'sector': return v.sector;
      case 'organisation': return v.organisation;
      case 'firstSeen': return v.firstSeen;
      case 'lastSeen': return v.lastSeen;
      default: return null;
    }
  };
  const num = (v: Victim): number => (key === 'hostIds' ? v.hostIds.length : v.sightings);
  const numeric = key === 'sightings' || key === 'hostIds';
  rows.sort(({ campaign: ca, v: a }, { campaign: cb, v: b }) => {
    let d: number;
    if (numeric) d = num(a) - num(b);
    else {
      const [x, y] = [text(a), text(b)];
      // Unknowns last, whichever way.
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      d = x < y ? -1 : x > y ? 1 : 0;
    }
    if (desc) d = -d;
    return d !== 0 ? d : a.src < b.src ? -1 : a.src > b.src ? 1 : ca < cb ? -1 : ca > cb ? 1 : 0;
  });
}

export function readRoutes(app: Hono<AppEnv>, ctx: ReadContext): void {
  const { store, cache, jobs } = ctx;

  app.get('/api/whoami', (c) => {
    new Query(c.req.url, []);
    return c.json({
      role: c.get('role'), auth: ctx.auth, version: VERSION, maxUploadBytes: ctx.maxUploadBytes, credits: [GEO_CREDITS],
    });
  });

  app.get('/api/campaigns', async (c) => {
    new Query(c.req.url, []);
    return c.json({ campaigns: await cache.campaigns() });
  });

  app.get('/api/campaigns/:name/stats', async (c) => {
    const q = new Query(c.req.url, ['top']);
    const top = q.int('top', 1, MAX_PAGE);
    const campaign = c.req.param('name');
    if (campaign.length > MAX_NAME_CHARS) throw new ApiError('bad-request', `a campaign name is at most ${MAX_NAME_CHARS} characters`);
    const view = await cache.view(campaign);
    if (view === null) throw new ApiError('not-found', `no campaign named ${JSON.stringify(campaign)} in the case`);
    const { body, encoding } = encodedBody(top === undefined ? view : topOf(view, top), c.req.header('Accept-Encoding'));
    return c.body(new Uint8Array(body.buffer, body.byteOffset, body.length) as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'application/json; charset=utf-8', Vary: 'Accept-Encoding', ...(encoding !== null ? { 'Content-Encoding': encoding } : {}),
    });
  });

  app.get('/api/victims', async (c) => {
    const q = new Query(c.req.url, ['campaign', 'country', 'sector', 'organisation', 'asn', 'src', 'sort', 'limit', 'offset']);
    const campaign = name(q, 'campaign');
    const country = q.string('country');
    if (country !== undefined && !/^[A-Za-z]{2}$/.test(country)) throw new ApiError('bad-request', 'query parameter country takes an ISO 3166-1 alpha-2 code (ZZ: unknown)');
    const sector = name(q, 'sector')?.toLowerCase();
    const organisation = name(q, 'organisation')?.toLowerCase();
    const asn = q.int('asn', 0, 4_294_967_295);
    const src = name(q, 'src');
    const sort = q.choice('sort', [...VICTIM_SORTS, ...VICTIM_SORTS.map((s) => `-${s}` as const)]) ?? '-sightings';
    const limit = q.int('limit', 1, MAX_PAGE, DEFAULT_PAGE)!;
    const offset = q.int('offset', 0, Number.MAX_SAFE_INTEGER, 0)!;
    let names: string[];
    if (campaign !== undefined) {
      const n = await store.resolveCampaign(campaign);
      if (n === null) throw new ApiError('not-found', `no campaign named ${JSON.stringify(campaign)} in the case`);
      names = [n];
    } else names = (await cache.campaigns()).map((x) => x.name);
    const cc = country?.toUpperCase();
    const select = (view: CampaignView): { campaign: string; v: Victim }[] => {
      const out: { campaign: string; v: Victim }[] = [];
      for (const v of view.victims) {
        if (cc !== undefined && (v.country ?? 'ZZ') !== cc) continue;
        if (sector !== undefined && v.sector !== sector) continue;
        if (organisation !== undefined && (v.organisation ?? '').toLowerCase() !== organisation) continue;
        if (asn !== undefined && v.asn !== asn) continue;
        if (src !== undefined && v.src !== src) continue;
        out.push({ campaign: view.stats.campaign, v });
      }
      return out;
    };
    let rows: { campaign: string; v: Victim }[];
    if (names.length === 1) {
      const view = await cache.view(names[0]!);
      // One campaign's selection is kept with its view: the pages after the first (and the same filter again) reuse it.
      rows = view === null ? [] : memo(view, JSON.stringify([cc, sector, organisation, asn, src, sort]), () => {
        const r = select(view);
        if (sort !== '-sightings') sortVictims(r, sort);
        return r;
      });
    } else {
      rows = [];
      for (const n of names) {
        const view = await cache.view(n);
        if (view !== null) rows.push(...select(view));
      }
      sortVictims(rows, sort);
    }
    // Only the page's rows are encoded (or found encoded: a victim's row is the same on every page it falls in).
    const page = rows.slice(offset, offset + limit).map(({ campaign: name, v }) => victimRowJson(name, v));
    const head = JSON.stringify({ total: rows.length, offset, limit, nextOffset: offset + limit < rows.length ? offset + limit : null });
    // What c.json would send for { ...head, victims: page }, byte for byte.
    return c.body(`${head.slice(0, -1)},"victims":[${page.join(',')}]}`, 200, { 'Content-Type': 'application/json' });
  });

  app.get('/api/sightings', async (c) => {
    const q = new Query(c.req.url, ['campaign', 'indicator', 'src', 'since', 'until', 'evidence', 'order', 'limit', 'cursor']);
    // `order=time`: in time order (the timeline's drill-down), its cursor a time key; else in id order.
    const byTime = q.choice('order', ['id', 'time'] as const) === 'time';
    const filter: SightingFilter = {};
    const campaign = name(q, 'campaign');
    if (campaign !== undefined) filter.campaign = campaign;
    const indicator = q.string('indicator');
    if (indicator !== undefined) filter.indicator = parseIndicatorParam(indicator);
    const src = name(q, 'src');
    if (src !== undefined) filter.src = src;
    const since = q.time('since');
    if (since !== undefined) filter.since = since;
    const until = q.time('until', true);
    if (until !== undefined) filter.until = until;
    if (since !== undefined && until !== undefined && since > until) throw new ApiError('bad-request', 'since is after until');
    const evidence = q.int('evidence', 1, Number.MAX_SAFE_INTEGER);
    if (evidence !== undefined) filter.evidenceId = evidence;
    let order: SightingOrder = { by: 'id' };
    if (byTime) {
      const after = q.timeCursor();
      order = after === undefined ? { by: 'time' } : { by: 'time', after };
    } else {
      const cursor = q.cursor();
      if (cursor !== undefined) filter.afterId = cursor;
    }
    const limit = q.int('limit', 1, MAX_PAGE, DEFAULT_PAGE)!;
    if (campaign !== undefined && await store.resolveCampaign(campaign) === null) {
      throw new ApiError('not-found', `no campaign named ${JSON.stringify(campaign)} in the case`);
    }
    const rows = await store.pageSightings(filter, limit, order);
    const last = rows.length === limit ? rows[rows.length - 1]! : null;
    return c.json({
      sightings: rows.map((r) => ({ id: r.id, evidenceId: r.evidenceId, ...r.sighting })),
      next: last === null ? null : byTime ? timeCursor(last.timeKey) : String(last.id),
    });
  });

  app.get('/api/samples', async (c) => {
    const q = new Query(c.req.url, ['campaign', 'hash', 'limit', 'cursor']);
    const campaign = name(q, 'campaign');
    const hash = q.string('hash');
    if (hash !== undefined && !/^([0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(hash)) {
      throw new ApiError('bad-request', 'query parameter hash takes an md5, sha1 or sha256 in hex');
    }
    const cursor = q.cursor();
    const limit = q.int('limit', 1, MAX_SAMPLE_PAGE, DEFAULT_SAMPLE_PAGE)!;
    if (campaign !== undefined && await store.resolveCampaign(campaign) === null) {
      throw new ApiError('not-found', `no campaign named ${JSON.stringify(campaign)} in the case`);
    }
    const rows = await store.pageSamples({
      ...(campaign !== undefined ? { campaign } : {}), ...(hash !== undefined ? { hash } : {}), ...(cursor !== undefined ? { afterId: cursor } : {}),
    }, limit);
    return c.json({ samples: rows.map((r) => ({ id: r.id, ...r.sample })), next: next(rows, limit) });
  });

  app.get('/api/indicators', async (c) => {
    const q = new Query(c.req.url, ['campaign', 'type', 'q', 'sighted', 'limit', 'cursor']);
    const campaign = name(q, 'campaign');
    const type = q.choice('type', INDICATOR_TYPES);
    const search = q.string('q');
    const sighted = q.bool('sighted');
    const cursor = q.cursor();
    const limit = q.int('limit', 1, MAX_PAGE, DEFAULT_PAGE)!;
    if (campaign !== undefined && await store.resolveCampaign(campaign) === null) {
      throw new ApiError('not-found', `no campaign named ${JSON.stringify(campaign)} in the case`);
    }
    const rows = await store.pageIndicators({
      ...(campaign !== undefined ? { campaign } : {}), ...(type !== undefined ? { type } : {}), ...(search !== undefined ? { search } : {}),
      ...(sighted !== undefined ? { sighted } : {}), ...(cursor !== undefined ? { afterId: cursor } : {}),
    }, limit);
    return c.json({ indicators: rows.map((r) => ({ id: r.id, ...r.indicator, sightings: r.sightings })), next: next(rows, limit) });
  });

  app.get('/api/evidence', async (c) => {
    const q = new Query(c.req.url, ['limit', 'cursor']);
    const cursor = q.cursor();
    const limit = q.int('limit', 1, MAX_PAGE, DEFAULT_PAGE)!;
    const rows = await store.pageEvidence(cursor !== undefined ? { afterId: cursor } : {}, limit);
    return c.json({ evidence: rows, next: next(rows, limit) });
  });

  const evidenceOf = async (id: string) => {
    if (!/^[1-9]\d{0,15}$/.test(id)) throw new ApiError('bad-request', 'an evidence id is a positive whole number');
    const [row] = await store.pageEvidence({ id: Number(id) }, 1);
    if (row === undefined) throw new ApiError('not-found', `no evidence ${id} in the case`);
    return row;
  };

  app.get('/api/evidence/:id', async (c) => {
    new Query(c.req.url, []);
    return c.json(await evidenceOf(c.req.param('id')));
  });

  app.get('/api/evidence/:id/lines', async (c) => {
    const q = new Query(c.req.url, ['from', 'count']);
    const from = q.int('from', 1, Number.MAX_SAFE_INTEGER, 1)!;
    const count = q.int('count', 1, MAX_LINES, 10)!;
    const e = await evidenceOf(c.req.param('id'));
    return c.json({ id: e.id, path: e.path, from, lines: await readEvidenceLines(e, from, count) });
  });

  app.get('/api/jobs', (c) => {
    new Query(c.req.url, []);
    return c.json({ jobs: jobs.list() });
  });

  app.get('/api/jobs/:id', (c) => {
    new Query(c.req.url, []);
    const id = c.req.param('id');
    const job = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? jobs.get(id) : undefined;
    if (job === undefined) throw new ApiError('not-found', `no job ${JSON.stringify(id.slice(0, 64))}`);
    return c.json(job);
  });
}
