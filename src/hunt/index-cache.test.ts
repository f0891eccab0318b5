/**
 * The index cache through a real SQLite case: built once, then loaded;
 * damaged, truncated or wrong-version files rebuilt, not trusted; a new
 * import generation gets a fresh index, and the hunt finds what it added.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObservedKind, Sighting } from '../core/model.js';
import { openStore, type HuntSelection, type IndicatorInput, type Store } from '../store/index.js';
import { indexPath, loadHuntIndex, type HuntIndex } from './index-cache.js';
import { hunt } from './hunt.js';

const row = (type: IndicatorInput['type'], value: string, extra: Partial<IndicatorInput> = {}): IndicatorInput =>
  ({ type, value, campaign: 'NT', source: 'test', warninglist: null, ...extra });

const FIRST: IndicatorInput[] = [
  row('domain', 'viprainru.com'), row('ipv4', '185.10.20.7'), row('cidr', '103.231.184.0/24'),
  row('url', 'http://evil-spb.com/gate/'), row('md5', 'd41d8cd98f00b204e9800998ecf8427e'),
  row('yara', 'NT_Marker', { ruleSource: 'rule NT_Marker { strings: $a = "NT-MARKER" condition: $a }' }),
  row('domain', 'dns.google', { warninglist: 'google' }),
];

const QUERIES: [ObservedKind, string][] = [
  ['domain', 'a.viprainru.com'], ['ip', '185.10.20.7'], ['ip', '103.231.184.255'], ['url', 'http://evil-spb.com/gate/x'],
  ['hash', 'D41D8CD98F00B204E9800998ECF8427E'], ['domain', 'dns.google'], ['domain', 'second.example'],
];

async function withCase(fn: (dir: string, store: Store) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-index-cache-'));
  const store = await openStore(join(dir, 'case.db'));
  try {
    await fn(dir, store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function answers(h: HuntIndex): number[][] {
  return QUERIES.map(([k, v]) => { const out: number[] = []; h.index.match(k, v, out); return out.sort((a, b) => a - b); });
}

async function selection(store: Store): Promise<HuntSelection> {
  return { includeWarninglisted: false, gen: await store.currentGeneration() };
}

test('built once and kept beside the case, then loaded with the same answers, count and YARA ids', async () => {
  await withCase(async (dir, store) => {
    await store.addIndicators(FIRST);
    const sel = await selection(store);
    const first = await loadHuntIndex(store, sel);
    assert.equal(first.origin, 'built');
    assert.equal(first.refused, undefined);
    // Six not warninglisted, the YARA rule among them.
    assert.equal(first.count, 6);
    assert.deepEqual([...first.yaraIds.keys()], ['NT_Marker']);
    assert.deepEqual(readdirSync(join(dir, 'case.db-index')).map((n) => n.replace(/-[0-9a-f]{32}\./, '-H.')), ['g1-H.idx']);
    const second = await loadHuntIndex(store, sel);
    assert.equal(second.origin, 'loaded');
    assert.equal(second.count, 6);
    assert.deepEqual(second.yaraIds, first.yaraIds);
    assert.deepEqual(answers(second), answers(first));
    // The first five queries hit one indicator each; dns.google is warninglisted; the last is unknown.
    assert.deepEqual(answers(second).map((a) => a.length), [1, 1, 1, 1, 1, 0, 0]);
    // Another selection is another file.
    const withWl = await loadHuntIndex(store, { ...sel, includeWarninglisted: true });
    assert.equal(withWl.origin, 'built');
    assert.equal(withWl.count, 7);
    assert.deepEqual(answers(withWl).map((a) => a.length), [1, 1, 1, 1, 1, 1, 0]);
    assert.equal(readdirSync(join(dir, 'case.db-index')).length, 2);
  });
});

test('a damaged, truncated, foreign-version or empty file is rebuilt, not trusted', async () => {
  await withCase(async (_dir, store) => {
    await store.addIndicators(FIRST);
    const sel = await selection(store);
    const good = await loadHuntIndex(store, sel);
    const where = await store.indexKey(sel);
    assert.ok(where);
    const path = indexPath(where, sel.gen);
    const original = readFileSync(path);
    const cases: [string, (b: Buffer) => void, RegExp][] = [
      ['a body byte', (b) => { b[b.length - 3]! ^= 0x40; }, /^body checksum mismatch$/],
      ['a header byte', (b) => { b[60]! ^= 0x01; }, /^header checksum mismatch$/],
      ['the version', (b) => { b.writeUInt32LE(99, 8); }, /^index file version 99, this code reads 2$/],
    ];
    for (const [what, damage, reason] of cases) {
      const b = Buffer.from(original);
      damage(b);
      writeFileSync(path, b);
      const r = await loadHuntIndex(store, sel);
      assert.equal(r.origin, 'built', what);
      assert.match(r.refused ?? '', reason, what);
      assert.deepEqual(answers(r), answers(good), what);
      // Rewritten whole: the next hunt loads it.
      assert.deepEqual(readFileSync(path), original, what);
      assert.equal((await loadHuntIndex(store, sel)).origin, 'loaded', what);
    }
    truncateSync(path, original.length - 1);
    const t = await loadHuntIndex(store, sel);
    assert.equal(t.origin, 'built');
    assert.equal(t.refused, `file is ${original.length - 1} bytes, header says ${original.length}`);
    truncateSync(path, 0);
    assert.equal((await loadHuntIndex(store, sel)).refused, 'truncated');
    writeFileSync(path, 'not an index at all, but long enough to hold a prefix of forty-eight bytes');
    assert.equal((await loadHuntIndex(store, sel)).refused, 'not an index file (magic)');
  });
});

test('a file written for another key at the same path is not used', async () => {
  await withCase(async (_dir, store) => {
    await store.addIndicators(FIRST);
    const sel = await selection(store);
    await loadHuntIndex(store, sel);
    const where = await store.indexKey(sel);
    assert.ok(where);
    // Another campaign's file copied over this one's name (as a user might, by hand).
    const other = await store.indexKey({ ...sel, includeWarninglisted: true });
    assert.ok(other);
    await loadHuntIndex(store, { ...sel, includeWarninglisted: true });
    writeFileSync(indexPath(where, sel.gen), readFileSync(indexPath(other, sel.gen)));
    const r = await loadHuntIndex(store, sel);
    assert.equal(r.origin, 'built');
    assert.equal(r.refused, 'written for another selection or case');
    assert.equal(r.count, 6);
  });
});

test('an in-memory case builds and keeps nothing', async () => {
  const store = await openStore(':memory:');
  try {
    await store.addIndicators(FIRST);
    const r = await loadHuntIndex(store, await selection(store));
    assert.equal(r.origin, 'built, not kept');
    assert.equal(r.count, 6);
  } finally {
    await store.close();
  }
});

test('through the hunt: import, hunt, import more, hunt — the new indicator is found with a fresh index, the old one removed', async () => {
  await withCase(async (dir, store) => {
    await store.addIndicators(FIRST);
    const log = (name: string, query: string) => {
      const p = join(dir, name);
      writeFileSync(p, [
        '#separator \\x09', '#path\tdns', '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers',
        `1370044800.000000\tC1\t10.0.0.1\t5353\t10.0.0.53\t53\tudp\t${query}\t-`,
      ].join('\n') + '\n');
      return p;
    };
    const run = async (paths: string[]) => {
      const s: Sighting[] = [];
      const r = await hunt(store, paths, { workers: 1, onSighting: (x) => s.push(x), onDiagnostic() {} });
      return { indicators: r.indicators, found: s.map((x) => `${x.matched}=>${x.indicator.value}`) };
    };
    assert.deepEqual(await run([log('one.log', 'second.example')]), { indicators: 6, found: [] });
    const idx = join(dir, 'case.db-index');
    assert.deepEqual(readdirSync(idx).map((n) => n.slice(0, 3)), ['g1-']);
    await store.addIndicators([row('domain', 'second.example')]);
    assert.deepEqual(await run([log('two.log', 'www.second.example')]), { indicators: 7, found: ['www.second.example=>second.example'] });
    assert.deepEqual(readdirSync(idx).map((n) => n.slice(0, 3)), ['g2-']);
    // The second hunt of this generation loads the file: same result on new evidence.
    assert.deepEqual(await run([log('three.log', 'x.second.example')]), { indicators: 7, found: ['x.second.example=>second.example'] });
  });
});
