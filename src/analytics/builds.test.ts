import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStats, codePages, languages, pdbPaths, richKey, usableBuildTimes, type BuildSample } from './builds.js';
import { DELPHI_TIMESTAMP } from './timestamps.js';
import { parsePe } from '../samples/pe/index.js';
import { writePe, type PeSpec } from '../samples/pe/testing/pe-writer.js';

const NOW = Date.UTC(2025, 0, 1);
const sec = (iso: string): number => Date.parse(iso) / 1000;
const RICH_A = { entries: [{ productId: 259, build: 30729, count: 12 }, { productId: 1, build: 0, count: 33 }, { productId: 259, build: 30729, count: 2 }] };
const res = (lang: number, codePage = 0): unknown => ({ type: 'RT_STRING', name: '1', lang, codePage, size: 1, offset: 0 });

/** Hand-built facts: only the fields builds.ts reads, as older cases may store. */
const SAMPLES: BuildSample[] = [
  { sha256: 'a1', facts: { timestampRaw: sec('2005-03-14T02:30:00Z'), imphash: 'i1', rich: RICH_A, pdb: null, resources: [res(2052, 936), res(2052, 936)] } },
  { sha256: 'a2', facts: { timestampRaw: sec('2008-06-01T08:00:00Z'), imphash: 'i1', rich: RICH_A, pdb: null, resources: [res(2052, 936), res(1033)] } },
  { sha256: 'a3', facts: { timestampRaw: sec('2009-01-01T00:00:00Z'), imphash: 'i1', rich: RICH_A, pdb: null, resources: [res(2052)] } },
  { sha256: 'b1', facts: { timestampRaw: sec('2010-12-31T23:59:59Z'), imphash: 'i2', rich: null, codeView: { path: 'C:\\nt\\a.pdb' } } },
  { sha256: 'b2', facts: { timestampRaw: 0, imphash: 'i2', rich: null, pdb: 'C:\\nt\\a.pdb' } },
  { sha256: 'c1', facts: { timestampRaw: DELPHI_TIMESTAMP, imphash: '', rich: { entries: [] }, pdb: 'C:\\nt\\a.pdb', resources: [res(0)] } },
  { sha256: 'd1', facts: null },
  { sha256: 'a1', facts: { timestampRaw: 0 } },
  { sha256: 'e1', facts: { timestampRaw: sec('2030-01-01T00:00:00Z'), imphash: 'i3', resources: 'broken' } },
];

test('buildStats: counts, set-aside reasons, years with zeros, variants with their samples', () => {
  assert.deepEqual(buildStats(SAMPLES, NOW), {
    count: 7,
    anomalous: 3,
    setAside: { zero: 1, delphi: 1, future: 1 },
    earliest: '2005-03-14T02:30:00.000Z',
    latest: '2010-12-31T23:59:59.000Z',
    byYear: [
      { year: 2005, count: 1 }, { year: 2006, count: 0 }, { year: 2007, count: 0 },
      { year: 2008, count: 1 }, { year: 2009, count: 1 }, { year: 2010, count: 1 },
    ],
    // 2008-06-01, 2009-01-01 and 2010-12-31 are within three years of the latest; 2005 is not.
    lastThreeYearsShare: 0.75,
    variants: [
      { imphash: 'i1', rich: '1.0,259.30729', pdb: null, count: 3, first: '2005-03-14T02:30:00.000Z', last: '2009-01-01T00:00:00.000Z', samples: ['a1', 'a2', 'a3'] },
      { imphash: 'i2', rich: null, pdb: 'C:\\nt\\a.pdb', count: 2, first: '2010-12-31T23:59:59.000Z', last: '2010-12-31T23:59:59.000Z', samples: ['b1', 'b2'] },
      // Equal counts and no build time: by key, a null imphash last.
      { imphash: 'i3', rich: null, pdb: null, count: 1, first: null, last: null, samples: ['e1'] },
      { imphash: null, rich: null, pdb: 'C:\\nt\\a.pdb', count: 1, first: null, last: null, samples: ['c1'] },
    ],
  });
});

test('buildStats: nothing usable', () => {
  assert.deepEqual(buildStats([{ sha256: 'x', facts: null }], NOW), {
    count: 0, anomalous: 0, setAside: {}, earliest: null, latest: null, byYear: [], lastThreeYearsShare: null, variants: [],
  });
  assert.deepEqual(buildStats([{ sha256: 'x', facts: {} }], NOW).setAside, { missing: 1 });
});

test('lastThreeYearsShare: the window is (latest − 3 × 365.25 days, latest]', () => {
  const latest = Date.UTC(2013, 5, 1);
  const win = 3 * 365.25 * 86400_000;
  const at = (ms: number, sha256: string): BuildSample => ({ sha256, facts: { timestampRaw: ms / 1000 } });
  const s = buildStats([at(latest, 'a'), at(latest - win, 'b'), at(latest - win + 1000, 'c')], NOW);
  assert.equal(s.lastThreeYearsShare, 0.67);
});

test('languages, code pages and PDB paths count samples, not resources', () => {
  assert.deepEqual(languages(SAMPLES), [{ lang: 2052, count: 3 }, { lang: 0, count: 1 }, { lang: 1033, count: 1 }]);
  assert.deepEqual(codePages(SAMPLES), [{ codePage: 0, count: 3 }, { codePage: 936, count: 2 }]);
  assert.deepEqual(pdbPaths(SAMPLES), [{ path: 'C:\\nt\\a.pdb', count: 3 }]);
});

test('richKey: sorted unique product.build, null without entries', () => {
  assert.equal(richKey({ rich: RICH_A }), '1.0,259.30729');
  assert.equal(richKey({ rich: { entries: [] } }), null);
  assert.equal(richKey({ rich: null }), null);
  assert.equal(richKey(null), null);
});

test('usableBuildTimes: sorted, with where each came from', () => {
  const dos = ((((2004 - 1980) << 9) | (1 << 5) | 2) << 16) | (9 << 11);
  const samples: BuildSample[] = [
    { sha256: 'h', facts: { timestampRaw: sec('2006-01-01T00:00:00Z') } },
    { sha256: 'r', facts: { timestampRaw: DELPHI_TIMESTAMP, otherTimestamps: [{ source: 'resource', raw: dos, iso: '' }] } },
    { sha256: 'z', facts: { timestampRaw: 0 } },
  ];
  assert.deepEqual(usableBuildTimes(samples, NOW), [
    { sha256: 'r', time: Date.UTC(2004, 0, 2, 9), from: 'resource' },
    { sha256: 'h', time: Date.UTC(2006, 0, 1), from: 'header' },
  ]);
});

test('real parsed facts: variant key, languages, code pages and PDB as parsePe names them', () => {
  const spec = (timestamp: number, lang: number): PeSpec => ({
    timestamp,
    imports: [{ dll: 'KERNEL32.dll', functions: ['GetProcAddress', 'LoadLibraryA'] }],
    rich: { entries: [{ productId: 259, build: 30729, count: 12 }, { productId: 1, build: 0, count: 33 }] },
    debug: [{ type: 'rsds', path: 'D:\\work\\netpass\\Release\\netpass.pdb', age: 1 }],
    resources: [{ type: 6, name: 1, lang, data: Buffer.from('s'), codePage: 936 }, { type: 6, name: 2, lang, data: Buffer.from('t') }],
  });
  const facts = [spec(sec('2011-04-05T01:02:03Z'), 2052), spec(sec('2012-04-05T01:02:03Z'), 1033)]
    .map((s) => JSON.parse(JSON.stringify(parsePe(writePe(s).data, { now: new Date(NOW) }))) as unknown);
  const samples = facts.map((f, i) => ({ sha256: `s${i}`, facts: f }));
  const stats = buildStats(samples, NOW);
  assert.equal(stats.variants.length, 1);
  const v = stats.variants[0]!;
  assert.match(v.imphash ?? '', /^[0-9a-f]{32}$/);
  assert.deepEqual({ ...v, imphash: null }, {
    imphash: null, rich: '1.0,259.30729', pdb: 'D:\\work\\netpass\\Release\\netpass.pdb', count: 2,
    first: '2011-04-05T01:02:03.000Z', last: '2012-04-05T01:02:03.000Z', samples: ['s0', 's1'],
  });
  assert.deepEqual(languages(samples), [{ lang: 1033, count: 1 }, { lang: 2052, count: 1 }]);
  assert.deepEqual(codePages(samples), [{ codePage: 0, count: 2 }, { codePage: 936, count: 2 }]);
  assert.deepEqual(pdbPaths(samples), [{ path: 'D:\\work\\netpass\\Release\\netpass.pdb', count: 2 }]);
});
