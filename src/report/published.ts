/**
 * A vendor report's headline figures (PublishedFigures), read from a small
 * JSON file the analyst writes. Malformed input is data: the loader returns
 * a diagnostic (`path: reason`), never throws.
 */
import { readFile } from 'node:fs/promises';
import { diag, type Diagnostic } from '../core/diagnostic.js';
import type { PublishedFigures } from './types.js';

/** A figures file is a few hundred bytes; anything this large is not one. */
export const MAX_PUBLISHED_BYTES = 1 << 20;

export type PublishedResult = { published: PublishedFigures } | { diagnostic: Diagnostic };

export async function loadPublished(path: string): Promise<PublishedResult> {
  let text: string;
  try {
    const buf = await readFile(path);
    if (buf.length > MAX_PUBLISHED_BYTES) return { diagnostic: diag('too-large', path, `over ${MAX_PUBLISHED_BYTES} bytes: not a figures file`) };
    text = buf.toString('utf8');
  } catch (e) {
    return { diagnostic: diag('unreadable', path, (e as NodeJS.ErrnoException).code ?? String(e)) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { diagnostic: diag('bad-record', path, `not JSON: ${(e as Error).message}`) };
  }
  const checked = checkPublished(json);
  return typeof checked === 'string' ? { diagnostic: diag('bad-record', path, checked) } : { published: checked };
}

const KEYS = new Set(['source', 'victims', 'countries', 'topCountries', 'sectors', 'buildsSince', 'lastThreeYearsShare', 'overlap']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
function isShare(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;
}
function isText(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '' && v.length <= 1000;
}

/** Checks a parsed figures file; returns it typed, or the first reason it is not one. */
export function checkPublished(v: unknown): PublishedFigures | string {
  if (!isObject(v)) return 'expected a JSON object';
  for (const k of Object.keys(v)) if (!KEYS.has(k)) return `unknown field ${JSON.stringify(k)}`;
  const src = v['source'];
  if (!isObject(src)) return 'source: expected an object with a title';
  if (!isText(src['title'])) return 'source.title: expected text';
  if (src['url'] !== undefined && !(isText(src['url']) && /^https?:\/\/\S+$/.test(src['url']))) return 'source.url: expected an http or https URL';
  if (src['date'] !== undefined && !(typeof src['date'] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(src['date']) && !Number.isNaN(Date.parse(src['date'])))) {
    return 'source.date: expected YYYY-MM-DD';
  }
  for (const k of ['victims', 'countries'] as const) {
    if (v[k] !== undefined && !isCount(v[k])) return `${k}: expected a non-negative integer`;
  }
  if (v['buildsSince'] !== undefined && !(isCount(v['buildsSince']) && v['buildsSince'] >= 1970 && v['buildsSince'] <= 9999)) {
    return 'buildsSince: expected a year';
  }
  if (v['lastThreeYearsShare'] !== undefined && !isShare(v['lastThreeYearsShare'])) return 'lastThreeYearsShare: expected a fraction from 0 to 1';
  const top = v['topCountries'];
  if (top !== undefined) {
    if (!Array.isArray(top)) return 'topCountries: expected a list of country codes';
    for (const [i, c] of top.entries()) {
      if (typeof c !== 'string' || !/^[A-Z]{2}$/.test(c)) return `topCountries[${i}]: expected an ISO 3166-1 alpha-2 code (MN)`;
    }
  }
  const sectors = v['sectors'];
  if (sectors !== undefined) {
    if (!Array.isArray(sectors)) return 'sectors: expected a list of {sector, share}';
    for (const [i, s] of sectors.entries()) {
      if (!isObject(s) || !isText(s['sector'])) return `sectors[${i}].sector: expected text`;
      if (!isShare(s['share'])) return `sectors[${i}].share: expected a fraction from 0 to 1`;
    }
  }
  const overlap = v['overlap'];
  if (overlap !== undefined) {
    if (!Array.isArray(overlap)) return 'overlap: expected a list of {campaign, victims}';
    for (const [i, o] of overlap.entries()) {
      if (!isObject(o) || !isText(o['campaign'])) return `overlap[${i}].campaign: expected text`;
      if (!isCount(o['victims'])) return `overlap[${i}].victims: expected a non-negative integer`;
    }
  }
  const out: PublishedFigures = {
    source: {
      title: src['title'],
      ...(src['url'] !== undefined ? { url: src['url'] as string } : {}),
      ...(src['date'] !== undefined ? { date: src['date'] as string } : {}),
    },
  };
  if (v['victims'] !== undefined) out.victims = v['victims'] as number;
  if (v['countries'] !== undefined) out.countries = v['countries'] as number;
  if (top !== undefined) out.topCountries = top as string[];
  if (sectors !== undefined) out.sectors = (sectors as { sector: string; share: number }[]).map((s) => ({ sector: s.sector, share: s.share }));
  if (v['buildsSince'] !== undefined) out.buildsSince = v['buildsSince'] as number;
  if (v['lastThreeYearsShare'] !== undefined) out.lastThreeYearsShare = v['lastThreeYearsShare'] as number;
  if (overlap !== undefined) out.overlap = (overlap as { campaign: string; victims: number }[]).map((o) => ({ campaign: o.campaign, victims: o.victims }));
  return out;
}
