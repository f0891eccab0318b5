import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { normalizeDomain, normalizeIndicator, parseIPv4 } from '../core/normalize.js';
import { sharedData, skipUnlessShared } from '../core/test-data.js';
import { IndicatorIndex, type IndexEntry } from './index.js';

function readList(...parts: string[]): string[] {
  const p = sharedData('misp', 'warninglists', ...parts, 'list.json');
  if (!p) throw new Error('absent');
  return (JSON.parse(readFileSync(p, 'utf8')) as { list: string[] }).list;
}

test('real data: MISP dynamic-dns + tranco10k host lists agree with a naive suffix set', { skip: skipUnlessShared('misp', 'warninglists', 'dynamic-dns') || skipUnlessShared('misp', 'warninglists', 'tranco10k') }, () => {
  const dyn = readList('dynamic-dns').map((s) => s.replace(/^\./, ''));
  const top = readList('tranco10k');
  const entries: IndexEntry[] = [];
  const byName = new Map<string, number[]>();
  for (const raw of [...dyn, ...top]) {
    const v = normalizeDomain(raw);
    if (v === null) continue;
    const id = entries.length;
    entries.push({ id, type: 'domain', value: v });
    byName.set(v, [...(byName.get(v) ?? []), id]);
  }
  assert.ok(entries.length > 40000, `${entries.length} names`);
  const ix = IndicatorIndex.build(entries);
  assert.equal(ix.size, entries.length);
  const naive = (name: string): number[] => {
    const n = normalizeDomain(name);
    if (n === null) return [];
    const hits: number[] = [];
    for (let i = 0; i >= 0; i = n.indexOf('.', i) < 0 ? -1 : n.indexOf('.', i) + 1) hits.push(...(byName.get(n.slice(i)) ?? []));
    return hits.sort((a, b) => a - b);
  };
  let hits = 0;
  const out: number[] = [];
  for (let k = 0; k < entries.length; k += 7) {
    const v = entries[k]!.value;
    for (const q of [v, `WWW.${v}.`, `x${v}`, `${v}.evil.example`, v.slice(1)]) {
      out.length = 0;
      ix.match('domain', q, out);
      const want = naive(q);
      assert.deepEqual(out.sort((a, b) => a - b), want, q);
      if (want.length) hits++;
    }
  }
  assert.ok(hits > 10000);
});

test('real data: MISP public-dns-v4/v6 and CIDR lists agree with a naive scan', { skip: skipUnlessShared('misp', 'warninglists', 'public-dns-v4') }, () => {
  const raws = [...readList('public-dns-v4'), ...readList('public-dns-v6'), ...readList('rfc1918'), ...readList('rfc5735'), ...readList('circl-security-scanning')];
  const entries: IndexEntry[] = [];
  for (const raw of raws) {
    for (const type of ['ipv4', 'ipv6', 'cidr'] as const) {
      const v = normalizeIndicator(type, raw);
      if (v !== null) { entries.push({ id: entries.length, type, value: v }); break; }
    }
  }
  assert.ok(entries.length > 60000);
  const ix = IndicatorIndex.build(entries);
  const v4 = entries.filter((e) => e.type !== 'ipv6' && e.value.indexOf(':') < 0).map((e) => {
    const [a, l] = e.value.split('/');
    const len = l === undefined ? 32 : Number(l);
    return { id: e.id, net: parseIPv4(a!)!, mask: len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0 };
  });
  const out: number[] = [];
  for (let k = 0; k < entries.length; k += 97) {
    const e = entries[k]!;
    if (e.value.indexOf(':') >= 0) {
      out.length = 0;
      ix.match('ip', e.value.toUpperCase(), out);
      assert.ok(out.includes(e.id), e.value);
      continue;
    }
    const base = parseIPv4(e.value.split('/')[0]!)!;
    for (const q of [base, (base + 1) >>> 0, (base - 1) >>> 0, (base ^ 0x00ff0000) >>> 0]) {
      const text = `${q >>> 24}.${(q >>> 16) & 255}.${(q >>> 8) & 255}.${q & 255}`;
      out.length = 0;
      ix.match('ip', text, out);
      const want = v4.filter((c) => ((q & c.mask) >>> 0) === c.net).map((c) => c.id);
      assert.deepEqual(out.sort((a, b) => a - b), want, text);
    }
  }
});
