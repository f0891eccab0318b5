/**
 * `sightline intel pull --taxii URL`: pulls the objects of one or every
 * readable collection of a TAXII 2.1 server into the case, page by page.
 * Each page is imported as a file is (the STIX reader, the importer of
 * src/hunt/intel-import.ts: all or nothing); after its commit the case
 * remembers where the pull stopped (the page's X-TAXII-Date-Added-Last), so
 * the next pull asks only for what was added after it. A failed page adds
 * nothing and leaves the mark where the last committed page put it.
 */
import { diag, type Diagnostic } from '../core/diagnostic.js';
import { importIntelDocument, type IntelImportOptions } from '../hunt/intel-import.js';
import type { Store } from '../store/store.js';
import { DEFAULT_TAXII_PAGE_LIMIT, TaxiiClient, TaxiiError, type TaxiiAuth } from './taxii-client.js';

/** Most pages read from one collection in one pull (a server whose `next` never ends). */
export const MAX_TAXII_PAGES = 100_000;
/**
 * Objects other than indicators (malware, intrusion sets, campaigns,
 * relationships…) carried from earlier pages of a pull into later ones, so an
 * indicator finds the campaign it `indicates` when the two came in different pages.
 */
export const MAX_CARRIED_OBJECTS = 100_000;

export interface TaxiiPullOptions extends Pick<IntelImportOptions, 'campaign' | 'warninglists' | 'minConfidence'> {
  /** The discovery URL or an API root's URL. */
  url: string;
  /** One collection, by id or title; default every collection the credentials can read. */
  collection?: string;
  auth: TaxiiAuth;
  timeoutMs?: number;
  /** Objects asked for per page. */
  pageLimit?: number;
  onDiagnostic(d: Diagnostic): void;
  /** Told each page as it is committed. */
  onPage?(p: { collection: string; objects: number; added: number; merged: number }): void;
}

export interface TaxiiCollectionResult {
  apiRoot: string;
  id: string;
  title: string;
  pages: number;
  objects: number;
  added: number;
  merged: number;
  /** Where the next pull starts (the last committed page's X-TAXII-Date-Added-Last), or null. */
  addedAfter: string | null;
}

export interface TaxiiPullResult {
  collections: TaxiiCollectionResult[];
  /** Diagnostics of severity error (pages' bad records, or a failed collection). */
  errors: number;
}

/** The name under which the case remembers where a collection's pull stopped. */
export function taxiiStateName(apiRoot: string, collectionId: string): string {
  return `taxii ${apiRoot} ${collectionId}`;
}

/** Pulls from a TAXII 2.1 server; throws TaxiiError when the server cannot be used at all. */
export async function pullTaxii(store: Store, opts: TaxiiPullOptions): Promise<TaxiiPullResult> {
  const client = new TaxiiClient(opts.url, { auth: opts.auth, ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) });
  const result: TaxiiPullResult = { collections: [], errors: 0 };
  const report = (d: Diagnostic) => {
    if (d.severity === 'error') result.errors++;
    opts.onDiagnostic(d);
  };
  const apiRoot = await findApiRoot(client, opts.url);
  const all = await client.collections(apiRoot);
  let chosen = all.filter((c) => c.canRead);
  if (opts.collection !== undefined) {
    const want = opts.collection;
    chosen = all.filter((c) => c.id === want || c.title === want);
    if (chosen.length === 0) {
      // Not listed (some servers list only some): asked for by id all the same.
      chosen = [{ id: want, title: '', canRead: true }];
    }
  }
  if (chosen.length === 0) throw new TaxiiError(`${apiRoot}: no collection these credentials can read`);
  for (const c of chosen) {
    const r: TaxiiCollectionResult = { apiRoot, id: c.id, title: c.title, pages: 0, objects: 0, added: 0, merged: 0, addedAfter: null };
    result.collections.push(r);
    await pullCollection(store, client, r, opts, report);
  }
  return result;
}

/** The API root a URL names: itself, or its discovery's default (else its only root). */
async function findApiRoot(client: TaxiiClient, url: string): Promise<string> {
  if (await client.isApiRoot(url).catch((e: unknown) => { if (e instanceof TaxiiError && e.status !== 404) throw e; return false; })) return url;
  const d = await client.discovery(url);
  if (d.default !== null) return d.default;
  if (d.apiRoots.length === 1) return d.apiRoots[0]!;
  if (d.apiRoots.length === 0) throw new TaxiiError(`${url}: the server lists no API root`);
  throw new TaxiiError(`${url}: the server has ${d.apiRoots.length} API roots and names no default; give one of them: ${d.apiRoots.join(', ')}`);
}

async function pullCollection(store: Store, client: TaxiiClient, r: TaxiiCollectionResult, opts: TaxiiPullOptions, report: (d: Diagnostic) => void): Promise<void> {
  const state = taxiiStateName(r.apiRoot, r.id);
  const where = `${r.apiRoot}collections/${r.id}/`;
  // The query's added_after stays as it was while the server's `next` pages through it.
  let addedAfter = await store.syncState(state);
  r.addedAfter = addedAfter;
  let next: string | null = null;
  const name = r.title !== '' ? r.title : r.id;
  // Context objects (not indicators) from earlier pages of this pull, by id.
  const carried = new Map<string, unknown>();
  for (let page = 1; ; page++) {
    if (page > MAX_TAXII_PAGES) {
      report(diag('too-large', where, `more than ${MAX_TAXII_PAGES} pages; the rest is left for the next pull`));
      return;
    }
    const p = await client.objects(r.apiRoot, r.id, { addedAfter, next, limit: opts.pageLimit ?? DEFAULT_TAXII_PAGE_LIMIT });
    if (p.objects.length > 0) {
      const here = new Set(p.objects.map((o) => (isContext(o) ? (o as { id: string }).id : '')));
      const context = [...carried].filter(([id]) => !here.has(id)).map(([, o]) => o);
      const data = Buffer.from(JSON.stringify([...context, ...p.objects]));
      const counts = await importIntelDocument(store, {
        path: `${where} page ${page}`, source: `taxii:${name}`, fallbackCampaign: name, data, format: 'stix',
      }, {
        onDiagnostic: report,
        // Indicators that indicate nothing go to a campaign named after the collection, as a file's go to its name.
        ...(opts.campaign !== undefined ? { campaign: opts.campaign } : {}),
        ...(opts.warninglists !== undefined ? { warninglists: opts.warninglists } : {}),
        ...(opts.minConfidence !== undefined ? { minConfidence: opts.minConfidence } : {}),
      });
      r.pages++;
      r.objects += p.objects.length;
      r.added += counts.added;
      r.merged += counts.merged;
      opts.onPage?.({ collection: r.id, objects: p.objects.length, added: counts.added, merged: counts.merged });
      for (const o of p.objects) {
        if (carried.size >= MAX_CARRIED_OBJECTS) break;
        if (isContext(o)) carried.set((o as { id: string }).id, o);
      }
    }
    if (p.dateAddedLast !== null) {
      // Committed: the next pull (or the next page, for a server without `next`) starts after this page.
      await store.setSyncState(state, p.dateAddedLast);
      r.addedAfter = p.dateAddedLast;
    } else if (p.objects.length > 0) {
      report(diag('skipped', where, 'the server sent no X-TAXII-Date-Added-Last: the next pull will ask for these objects again'));
    }
    if (!p.more) return;
    if (p.next !== null) next = p.next;
    else if (p.dateAddedLast === null) {
      report(diag('unsupported', where, 'the server says there is more but gives neither next nor X-TAXII-Date-Added-Last; stopped'));
      return;
    } else {
      // No `next`: the spec's other way on is to ask for what was added after this page.
      next = null;
      addedAfter = p.dateAddedLast;
    }
  }
}

/** A STIX object a later page's indicators may refer to: anything with an id but an indicator. */
function isContext(o: unknown): boolean {
  if (typeof o !== 'object' || o === null) return false;
  const r = o as Record<string, unknown>;
  return typeof r['id'] === 'string' && typeof r['type'] === 'string' && r['type'] !== 'indicator';
}
