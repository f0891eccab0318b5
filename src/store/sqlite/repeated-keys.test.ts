/**
 * RepeatedKeys names every row of a key staged more than once (and few
 * others); and an import folds the same whichever of the SQLite writer's
 * three folds runs (no repeats: rows sorted as they are; some: only those
 * folded; many: every row folded) — checked against a fold written here
 * from the rules in docs/design.md, on generated imports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { openStore } from '../index.js';
import type { Indicator, IndicatorType } from '../../core/model.js';
import type { IndicatorInput } from '../store.js';
import { RepeatedKeys, keyHash } from './repeated-keys.js';

test('every row of a repeated key is named, through the table\'s growth; distinct keys name few rows', () => {
  const keys = new RepeatedKeys();
  const repeated = new Set<number>();
  let row = 0;
  // 300,000 distinct keys (the table grows from 65,536 slots), every 1,000th staged again twice further on.
  for (let i = 0; i < 300_000; i++) keys.add('domain', `d${i}.example`, ++row);
  for (let i = 0; i < 300_000; i += 1000) {
    repeated.add(i + 1);
    keys.add('domain', `d${i}.example`, ++row);
    repeated.add(row);
    keys.add('domain', `d${i}.example`, ++row);
    repeated.add(row);
  }
  // The same value under another type is another key.
  keys.add('url', 'd5.example', ++row);
  const named = new Set(keys.finish());
  for (const r of repeated) assert.ok(named.has(r), `row ${r} not named`);
  assert.equal(keys.overflowed, false);
  // 32-bit hashes of 300,000 keys: some tens of colliding pairs are expected (n²/2³³ ≈ 10), not thousands.
  assert.ok(named.size - repeated.size < 200, String(named.size - repeated.size));
});

test('keyHash tells the type from the value and is stable', () => {
  assert.notEqual(keyHash('domain', 'a.example'), keyHash('url', 'a.example'));
  assert.notEqual(keyHash('ab', 'c'), keyHash('a', 'bc'));
  assert.equal(keyHash('domain', 'a.example'), keyHash('domain', 'a.example'));
  assert.ok(Number.isInteger(keyHash('x', 'é☃')) && keyHash('x', 'é☃') >= 0);
});

/** The fold of docs/design.md over one import's rows, in key order, as `intel list` shows them. */
function foldModel(rows: readonly IndicatorInput[]): { listed: Omit<Indicator, 'sources'>[]; descriptions: (string | null)[] } {
  const byKey = new Map<string, { type: IndicatorType; value: string; warninglist: string | null; campaigns: Set<string>;
    description?: string; firstSeen?: string; lastSeen?: string; confidence?: number }>();
  for (const r of rows) {
    const key = `${r.type}\u0000${r.value}`;
    let k = byKey.get(key);
    if (!k) byKey.set(key, k = { type: r.type, value: r.value, warninglist: null, campaigns: new Set() });
    if (r.warninglist !== null && (k.warninglist === null || r.warninglist > k.warninglist)) k.warninglist = r.warninglist;
    k.campaigns.add(r.campaign);
    if (k.description === undefined && r.description !== undefined) k.description = r.description;
    if (r.firstSeen !== undefined && (k.firstSeen === undefined || r.firstSeen < k.firstSeen)) k.firstSeen = r.firstSeen;
    if (r.lastSeen !== undefined && (k.lastSeen === undefined || r.lastSeen > k.lastSeen)) k.lastSeen = r.lastSeen;
    if (r.confidence !== undefined && (k.confidence === undefined || r.confidence > k.confidence)) k.confidence = r.confidence;
  }
  const keys = [...byKey.values()].sort((a, b) => a.type < b.type ? -1 : a.type > b.type ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
  const listed = keys.map((k) => {
    const out: Omit<Indicator, 'sources'> = { type: k.type, value: k.value, campaigns: [...k.campaigns].sort(), warninglist: k.warninglist };
    if (k.firstSeen !== undefined) out.firstSeen = k.firstSeen;
    if (k.lastSeen !== undefined) out.lastSeen = k.lastSeen;
    if (k.confidence !== undefined) out.confidence = k.confidence;
    return out;
  });
  return { listed, descriptions: keys.map((k) => k.description ?? null) };
}

type Repeat = { key: number; description: 'first' | 'second' | 'third' | undefined; firstSeen: string | undefined; lastSeen: string | undefined;
  confidence: number | undefined; campaign: 'Alpha' | 'Beta' };
const repeat = (key: number, more: Partial<Repeat> = {}): Repeat =>
  ({ key, description: undefined, firstSeen: undefined, lastSeen: undefined, confidence: undefined, campaign: 'Alpha', ...more });

/** Rows: `unique` keys seen once, and `repeats` draws from a pool of 20 keys, each with its own optional fields. */
const importArb: fc.Arbitrary<{ unique: number; repeats: Repeat[]; order: number }> = fc.record({
  unique: fc.integer({ min: 0, max: 3000 }),
  repeats: fc.array(fc.record({
    key: fc.integer({ min: 0, max: 19 }),
    description: fc.option(fc.constantFrom('first', 'second', 'third'), { nil: undefined }),
    firstSeen: fc.option(fc.constantFrom('2024-01-02', '2023-05-06T07:08:09Z', '2025-12-31'), { nil: undefined }),
    lastSeen: fc.option(fc.constantFrom('2024-01-02', '2023-05-06T07:08:09Z', '2025-12-31'), { nil: undefined }),
    confidence: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    campaign: fc.constantFrom('Alpha', 'Beta'),
  }), { maxLength: 600 }),
  order: fc.integer({ min: 0, max: 1000 }),
});

test('an import folds the same through each of the writer\'s folds as the fold written here', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-fold-'));
  let run = 0;
  try {
    await fc.assert(fc.asyncProperty(importArb, async ({ unique, repeats, order }) => {
      const rows: IndicatorInput[] = [];
      for (let i = 0; i < unique; i++) {
        rows.push({ type: i % 3 === 0 ? 'ipv4' : 'domain', value: i % 3 === 0 ? `10.0.${i >> 8}.${i & 255}` : `u${i}.example`, campaign: 'Alpha',
          source: 'list.txt', warninglist: i % 7 === 0 ? 'rfc1918' : null, ...(i % 2 === 0 ? { description: `unique ${i}` } : {}) });
      }
      // Repeated keys land among the unique ones (`order` picks where), as a list's duplicates do.
      const at = unique === 0 ? 0 : order % (unique + 1);
      const repeated = repeats.map((r): IndicatorInput => {
        const row: IndicatorInput = { type: r.key % 2 === 0 ? 'domain' : 'url', value: r.key % 2 === 0 ? `r${r.key}.example` : `http://r${r.key}.example/`,
          campaign: r.campaign, source: 'list.txt', warninglist: r.key === 4 ? 'tranco10k' : null };
        if (r.description !== undefined) row.description = r.description;
        if (r.firstSeen !== undefined) row.firstSeen = r.firstSeen;
        if (r.lastSeen !== undefined) row.lastSeen = r.lastSeen;
        if (r.confidence !== undefined) row.confidence = r.confidence;
        return row;
      });
      rows.splice(at, 0, ...repeated);
      const want = foldModel(rows);
      const path = join(dir, `case-${run++}.db`);
      const store = await openStore(path);
      try {
        const w = await store.beginImport();
        // Several batches, as the importer hands them over.
        for (let k = 0; k < rows.length; k += 1000) await w.add(rows.slice(k, k + 1000));
        const counts = await w.commit();
        assert.deepEqual(counts, { added: want.listed.length, merged: 0 });
        const got: Omit<Indicator, 'sources'>[] = [];
        for await (const i of store.listIndicators({})) {
          const { sources, ...rest } = i;
          assert.deepEqual(sources, ['list.txt']);
          got.push({ ...rest, campaigns: [...rest.campaigns].sort() });
        }
        assert.deepEqual(got, want.listed);
      } finally {
        await store.close();
      }
      // Descriptions are not listed: read by plain SQL, in id order.
      const db = new Database(path, { readonly: true });
      try {
        assert.deepEqual(db.prepare('SELECT description FROM indicator ORDER BY id').pluck().all(), want.descriptions);
      } finally {
        db.close();
      }
    }), { seed: 17, numRuns: 40, examples: [
      // No repeats; a few among many; mostly repeats (every row folded).
      [{ unique: 2000, repeats: [], order: 0 }],
      [{ unique: 3000, repeats: [repeat(3), repeat(3, { description: 'second', confidence: 5, campaign: 'Beta' })], order: 1234 }],
      [{ unique: 10, repeats: Array.from({ length: 200 }, (_, k) => repeat(k % 20, { confidence: k })), order: 5 }],
    ] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
