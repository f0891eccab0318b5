import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { CampaignInfo, IntelItem } from '../../core/model.js';
import { formatDiagnostic, type Diagnostic } from '../../core/diagnostic.js';
import { sharedData, skipUnlessShared } from '../../core/test-data.js';
import { readStix } from './stix-reader.js';
import { parseStixPattern } from './pattern-parser.js';
import { reduceStixPattern } from './pattern-reduce.js';

interface Collected { items: IntelItem[]; campaigns: CampaignInfo[]; diagnostics: Diagnostic[] }

function collect(data: Buffer | string, path = 'b.json'): Collected {
  const out: Collected = { items: [], campaigns: [], diagnostics: [] };
  readStix(typeof data === 'string' ? Buffer.from(data) : data, path, {
    item: (i) => out.items.push(i), campaign: (c) => out.campaigns.push(c), diagnostic: (d) => out.diagnostics.push(d),
  });
  return out;
}

const bundle = (...objects: object[]): string => JSON.stringify({ type: 'bundle', id: 'bundle--1', objects });
const ind = (n: number, pattern: string, extra: object = {}): object => ({
  type: 'indicator', spec_version: '2.1', id: `indicator--0000000${n}-0000-4000-8000-000000000000`, pattern, pattern_type: 'stix',
  created: '2020-01-01T00:00:00Z', modified: '2020-01-01T00:00:00Z', ...extra,
});
const idOf = (n: number): string => `indicator--0000000${n}-0000-4000-8000-000000000000`;
const pairs = (c: Collected): string[] => c.items.map((i) => `${i.type}:${i.value}`);

test('reduce: equality, OR, IN, hash AND, FOLLOWEDBY; everything else unsupported', () => {
  const r = (p: string): unknown => reduceStixPattern(parseStixPattern(p));
  assert.deepEqual(r("[domain-name:value = 'a.com' OR ipv4-addr:value = '1.2.3.4']"), { ok: true, values: [{ type: 'domain', raw: 'a.com' }, { type: 'ip4', raw: '1.2.3.4' }] });
  assert.deepEqual(r("[url:value IN ('http://a/', 'http://b/')]"), { ok: true, values: [{ type: 'url', raw: 'http://a/' }, { type: 'url', raw: 'http://b/' }] });
  assert.deepEqual(r("[file:hashes.MD5 = 'x' AND file:hashes.'SHA-256' = 'y']"), { ok: true, values: [{ type: 'md5', raw: 'x' }, { type: 'sha256', raw: 'y' }] });
  assert.deepEqual(r("[file:name = 'a.exe'] FOLLOWEDBY [email-addr:value = 'a@b.c'] WITHIN 60 SECONDS"), { ok: true, values: [{ type: 'filename', raw: 'a.exe' }, { type: 'email', raw: 'a@b.c' }] });
  assert.deepEqual(r("[ipv6-addr:value = '::1'] AND [file:hashes.SHA1 = 'z']"), { ok: true, values: [{ type: 'ip6', raw: '::1' }, { type: 'sha1', raw: 'z' }] });
  assert.deepEqual(r("[domain-name:value LIKE '%.evil.com']"), { ok: false, reason: 'LIKE on domain-name:value cannot be reduced to indicator values' });
  assert.deepEqual(r("[domain-name:value != 'a.com']"), { ok: false, reason: '!= on domain-name:value cannot be reduced to indicator values' });
  assert.deepEqual(r("[domain-name:value NOT = 'a.com']"), { ok: false, reason: 'NOT = on domain-name:value names no value' });
  assert.deepEqual(r("[process:name = 'a.exe']"), { ok: false, reason: 'process:name is not an indicator path' });
  assert.deepEqual(r("[file:name = 'a.exe' AND file:hashes.MD5 = 'x']"), { ok: false, reason: 'an AND involving file:name cannot be reduced to indicator values' });
  assert.deepEqual(r("[domain-name:value = 'a.com' AND ipv4-addr:value = '1.2.3.4']"), { ok: false, reason: 'an AND involving domain-name:value cannot be reduced to indicator values' });
  assert.deepEqual(r('[EXISTS file:name]'), { ok: false, reason: 'EXISTS file:name names no value' });
  assert.deepEqual(r("[domain-name:value = 'a.com'] OR [windows-registry-key:key = 'HKLM']"), { ok: false, reason: 'windows-registry-key:key is not an indicator path' });
  assert.deepEqual(r('[domain-name:value IN ()]'), { ok: false, reason: 'IN on domain-name:value with an empty set' });
  assert.deepEqual(r('[domain-name:value = 5]'), { ok: false, reason: '= on domain-name:value with a non-string value' });
});

test('indicators become normalised items with their campaigns; CIDRs stay CIDRs', () => {
  const c = collect(bundle(
    ind(1, "[domain-name:value = 'Evil.Example.COM.' OR ipv4-addr:value = '10.1.2.0/24' OR ipv6-addr:value = '2001:DB8::1']", { name: 'C2' }),
    ind(2, "[file:hashes.'SHA-256' = 'EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C']"),
    { type: 'campaign', spec_version: '2.1', id: 'campaign--1', name: 'Op Omega', aliases: ['Omega', 'Op Omega'] },
    { type: 'intrusion-set', spec_version: '2.1', id: 'intrusion-set--1', name: 'APT X', aliases: ['Group X'] },
    { type: 'relationship', spec_version: '2.1', id: 'relationship--1', relationship_type: 'indicates', source_ref: idOf(1), target_ref: 'campaign--1' },
    { type: 'relationship', spec_version: '2.1', id: 'relationship--2', relationship_type: 'indicates', source_ref: idOf(1), target_ref: 'intrusion-set--1' },
    { type: 'relationship', spec_version: '2.1', id: 'relationship--3', relationship_type: 'uses', source_ref: idOf(2), target_ref: 'campaign--1' },
  ));
  assert.deepEqual(c.items, [
    { type: 'domain', value: 'evil.example.com', campaigns: ['Op Omega', 'APT X'], description: 'C2' },
    { type: 'cidr', value: '10.1.2.0/24', campaigns: ['Op Omega', 'APT X'], description: 'C2' },
    { type: 'ipv6', value: '2001:db8::1', campaigns: ['Op Omega', 'APT X'], description: 'C2' },
    { type: 'sha256', value: 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c', campaigns: [] },
  ]);
  assert.deepEqual(c.campaigns, [{ name: 'Op Omega', aliases: ['Omega'] }, { name: 'APT X', aliases: ['Group X'] }]);
  assert.deepEqual(c.diagnostics, []);
});

test('STIX 2.0: no pattern_type, spec_version on the bundle, x_mitre_aliases', () => {
  const c = collect(JSON.stringify({
    type: 'bundle', id: 'bundle--2', spec_version: '2.0', objects: [
      { type: 'indicator', id: idOf(3), labels: ['malicious-activity'], pattern: "[url:value = 'HTTP://Evil.example.com:80']" },
      { type: 'malware', id: 'malware--1', name: 'NetTraveler', x_mitre_aliases: ['NetTraveler', 'TravNet'] },
      { type: 'relationship', id: 'relationship--9', relationship_type: 'indicates', source_ref: idOf(3), target_ref: 'malware--1' },
    ],
  }));
  assert.deepEqual(c.items, [{ type: 'url', value: 'http://evil.example.com/', campaigns: ['NetTraveler'] }]);
  assert.deepEqual(c.campaigns, [{ name: 'NetTraveler', aliases: ['TravNet'] }]);
});

test('versions keep the latest modified; revoked and deprecated objects are skipped; custom objects pass silently', () => {
  const c = collect(bundle(
    ind(4, "[domain-name:value = 'old.example.com']", { modified: '2020-01-01T00:00:00Z' }),
    ind(4, "[domain-name:value = 'new.example.com']", { modified: '2021-01-01T00:00:00.000Z' }),
    ind(4, "[domain-name:value = 'middle.example.com']", { modified: '2020-06-01T00:00:00Z' }),
    ind(5, "[domain-name:value = 'revoked.example.com']", { revoked: true }),
    { type: 'malware', id: 'malware--2', name: 'Gone', x_mitre_deprecated: true },
    { type: 'malware', id: 'malware--3', name: 'Old name', revoked: true },
    { type: 'x-mitre-tactic', id: 'x-mitre-tactic--1', name: 'Execution', x_custom: { a: 1 } },
    ind(6, "[domain-name:value = 'custom.example.com']", { x_foo: 'bar' }),
  ));
  assert.deepEqual(pairs(c), ['domain:new.example.com', 'domain:custom.example.com']);
  assert.deepEqual(c.campaigns, []);
  assert.deepEqual(c.diagnostics, []);
});

test('unsupported patterns, pattern types, syntax errors and bad values are diagnostics', () => {
  const c = collect(bundle(
    ind(1, "[process:name = 'evil.exe']"),
    ind(2, 'rule x { condition: true }', { pattern_type: 'yara' }),
    ind(3, "[domain-name:value = 'a.com'"),
    ind(4, "[domain-name:value = 'not a domain' OR domain-name:value = 'ok.example.org']"),
    ind(5, 'x', { pattern: undefined }),
    { type: 'indicator' },
  ));
  assert.deepEqual(pairs(c), ['domain:ok.example.org']);
  assert.deepEqual(c.diagnostics.map(formatDiagnostic), [
    'b.json: object 5 has no string "type" and "id"',
    `b.json: ${idOf(1)}: process:name is not an indicator path: [process:name = 'evil.exe']`,
    `b.json: ${idOf(2)}: pattern_type yara is not supported`,
    `b.json: ${idOf(3)}: pattern syntax error: expected ']', found end of pattern at 28: [domain-name:value = 'a.com'`,
    `b.json: ${idOf(4)}: not an indicator: 'not a domain'`,
    `b.json: ${idOf(5)}: indicator has no pattern`,
  ]);
  assert.deepEqual(c.diagnostics.map((d) => d.code), ['bad-record', 'unsupported', 'unsupported', 'bad-record', 'not-indicator', 'bad-record']);
});

test('malformed JSON names the byte; a truncated bundle imports nothing', () => {
  const bad = collect('{"type": "bundle", "objects": [ {"type": "indicator",, } ] }');
  assert.deepEqual(bad.diagnostics.map(formatDiagnostic), ['b.json:byte 53: malformed JSON at byte 53: Expected double-quoted property name']);
  assert.deepEqual(bad.diagnostics[0]?.code, 'bad-record');
  const full = bundle(ind(1, "[domain-name:value = 'a.com']"), ind(2, "[domain-name:value = 'b.com']"));
  const cut = collect(full.slice(0, full.length - 40));
  assert.deepEqual(cut.items, []);
  assert.equal(cut.diagnostics.length, 1);
  assert.equal(cut.diagnostics[0]?.code, 'truncated');
  assert.match(cut.diagnostics[0]!.reason, /^truncated: JSON ends early at byte \d+: /);
  const multi = collect('{"objects": [], "x": "é' + 'é'.repeat(3) + '" ]');
  assert.deepEqual(multi.diagnostics.map((d) => [d.code, d.offset]), [['bad-record', 32]]);
});

test('a single object and a plain array are read too', () => {
  assert.deepEqual(pairs(collect(JSON.stringify(ind(1, "[email-addr:value = 'Bad@Example.COM']")))), ['email:bad@example.com']);
  assert.deepEqual(pairs(collect(JSON.stringify([ind(1, "[file:name = 'C:\\\\Temp\\\\NetMgr.EXE']")]))), ['filename:netmgr.exe']);
  assert.deepEqual(collect('"just a string"').diagnostics.map(formatDiagnostic), ['b.json: not a STIX bundle or object']);
  assert.deepEqual(collect('{"type":"bundle","objects":{}}').diagnostics.map(formatDiagnostic), ['b.json: bundle "objects" is not an array']);
});

test('a 20,000-object bundle is read whole', () => {
  const objects: object[] = [];
  for (let i = 0; i < 10000; i++) {
    const id = `indicator--${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`;
    objects.push({ type: 'indicator', spec_version: '2.1', id, pattern_type: 'stix', pattern: `[domain-name:value = 'h${i}.example.net' OR ipv4-addr:value = '10.0.${i >> 8}.${i & 255}']` });
    objects.push({ type: 'relationship', spec_version: '2.1', id: `relationship--${i}`, relationship_type: 'indicates', source_ref: id, target_ref: 'campaign--x' });
  }
  objects.push({ type: 'campaign', spec_version: '2.1', id: 'campaign--x', name: 'Big' });
  const c = collect(bundle(...objects));
  assert.equal(c.items.length, 20000);
  assert.deepEqual(c.items[19999], { type: 'ipv4', value: '10.0.39.15', campaigns: ['Big'] });
});

test('real: OASIS poisonivy.json', { skip: skipUnlessShared('stix/cti-stix2-json-schemas/examples/threat-reports/poisonivy.json') }, () => {
  const c = collect(readFileSync(sharedData('stix/cti-stix2-json-schemas/examples/threat-reports/poisonivy.json')!), 'poisonivy.json');
  const uniq = (t: string): number => new Set(c.items.filter((i) => i.type === t).map((i) => i.value)).size;
  assert.equal(c.items.length, 66);
  assert.deepEqual([uniq('domain'), uniq('ipv4'), uniq('filename')], [24, 18, 2]);
  assert.equal(c.campaigns.length, 28);
  assert.deepEqual(c.campaigns.filter((x) => /^admin@338|^Poison Ivy$|APT/.test(x.name)).map((x) => x.name).slice(0, 2), ['Poison Ivy', 'admin@338']);
  assert.deepEqual(c.diagnostics.map(formatDiagnostic), ["poisonivy.json: indicator--4e4c4ad7-4909-456a-b6fa-e24a6f682a40: not an indicator: 'domain autuo.xicp.net'"]);
  assert.ok(c.items.some((i) => i.type === 'domain' && i.value === 'js001.3322.org'));
});

test('real: OASIS apt1.json', { skip: skipUnlessShared('stix/cti-stix2-json-schemas/examples/threat-reports/apt1.json') }, () => {
  const c = collect(readFileSync(sharedData('stix/cti-stix2-json-schemas/examples/threat-reports/apt1.json')!), 'apt1.json');
  assert.deepEqual(pairs(c), [
    'cidr:223.166.0.0/15', 'cidr:58.246.0.0/15', 'cidr:112.64.0.0/15', 'cidr:139.226.0.0/15',
    'domain:hugesoft.org', 'domain:arrowservice.net', 'domain:msnhome.org',
    'md5:001dd76872d80801692ff942308c64e6', 'md5:002325a0a67fded0381b5648d7fe9b8e', 'md5:00dbb9e1c09dbdafb360f3163ba5a3de',
  ]);
  assert.deepEqual(c.diagnostics.map((d) => d.code), ['unsupported', 'unsupported']);
  assert.deepEqual(c.campaigns.find((x) => x.name === 'APT1'), { name: 'APT1', aliases: ['Comment Crew', 'Comment Group', 'Shady Rat'] });
});

test('real: ATT&CK bundles give campaigns, skipping revoked and deprecated ones', { skip: skipUnlessShared('stix/attack-enterprise-intrusion-sets.stix20.json') }, () => {
  const counts = (f: string): number => collect(readFileSync(sharedData('stix', f)!), f).campaigns.length;
  assert.equal(counts('attack-enterprise-intrusion-sets.stix20.json'), 187 - 6 - 9);
  assert.equal(counts('attack-enterprise-malware.stix20.json'), 696 - 2 - 1);
  assert.equal(counts('attack-enterprise-campaigns.stix20.json'), 52);
  assert.equal(counts('attack-enterprise-tools.stix20.json'), 91);
  assert.equal(counts('attack-ics-18.1.stix21.json'), 44);
  const nt = collect(readFileSync(sharedData('stix/attack-enterprise-nettraveler.stix20.json')!));
  assert.deepEqual(nt.campaigns.map((x) => x.name).sort(), ['NetTraveler', 'PlugX', 'TA459', 'ZeroT', 'gh0st RAT']);
  assert.deepEqual(nt.items, []);
  assert.deepEqual(nt.diagnostics, []);
});

test('fuzz: mutated real bundles never throw', { skip: skipUnlessShared('stix/cti-stix2-json-schemas/examples/threat-reports/poisonivy.json') }, () => {
  const base = readFileSync(sharedData('stix/cti-stix2-json-schemas/examples/indicators-for-C2-with-COA.json')!);
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), (edits, cut) => {
    const b = Buffer.from(base.subarray(0, base.length - (cut % 50)));
    for (const [at, v] of edits) b[at % b.length] = v;
    const c = collect(b);
    for (const d of c.diagnostics) assert.equal(typeof d.reason, 'string');
  }), { seed: 42, numRuns: 2000 });
});
