import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedData, skipUnlessShared } from '../../src/core/test-data.js';
import { YaraScanner } from '../../src/samples/index.js';
import { parsePe } from '../../src/samples/pe/index.js';
import { prng } from '../prng.js';
import { buildBenchPe } from './build-pe.js';
import { countByRule, diffMatches, parseHuntOutput, parseYaraOutput } from './compare-matches.js';
import { PLANTED_STRINGS } from './planted-strings.js';
import { yaraRuleArgs } from './rule-set.js';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('buildBenchPe is reproducible and parsePe reads every structure it wrote', () => {
  const a = buildBenchPe(prng(7), 64 * 1024);
  const b = buildBenchPe(prng(7), 64 * 1024);
  assert.equal(sha256(a.data), sha256(b.data));
  assert.notEqual(sha256(buildBenchPe(prng(8), 64 * 1024).data), sha256(a.data));
  const facts = parsePe(a.data);
  assert.ok(facts);
  assert.deepEqual(facts.sections.slice(0, 3).map((s) => s.name), ['.text', '.rdata', '.data']);
  assert.ok(facts.imports.length >= 2);
  assert.match(facts.imphash, /^[0-9a-f]{32}$/);
  assert.ok(facts.resources.length >= 1);
  assert.ok(facts.rich);
  assert.equal(facts.checksumValid, true);
  assert.deepEqual(facts.errors, []);
});

test('a planted PE holds its marker bytes; an unplanted one does not', () => {
  for (const p of PLANTED_STRINGS) {
    assert.ok(buildBenchPe(prng(3), 40 * 1024, p.bytes).data.includes(p.bytes), p.rule);
    assert.equal(buildBenchPe(prng(3), 40 * 1024).data.includes(p.bytes), false, p.rule);
  }
});

test('each planted marker trips its rule in the real rule file (YARA-X)', { skip: skipUnlessShared('iocs', 'yara') }, () => {
  for (const p of PLANTED_STRINGS) {
    const file = sharedData('iocs', 'yara', ...p.ruleFile.split('/'))!;
    const scanner = YaraScanner.compile([{ name: p.ruleFile, source: readFileSync(file, 'utf8') }], (d) => assert.fail(d.reason));
    const planted = scanner.scan(buildBenchPe(prng(11), 100 * 1024, p.bytes).data).map((m) => m.rule);
    assert.ok(planted.includes(p.rule), `${p.rule}: ${planted.join(',')}`);
    assert.deepEqual(scanner.scan(buildBenchPe(prng(11), 100 * 1024).data), []);
  }
});

test('parseYaraOutput and parseHuntOutput give comparable (file, rule) keys', () => {
  const ya = parseYaraOutput('NetTraveler pe/00025.exe\nEnfal /c/pe/has space.exe\n\n', '/c');
  assert.deepEqual([...ya], ['/c/pe/00025.exe\tNetTraveler', '/c/pe/has space.exe\tEnfal']);
  const hunt = [
    '{"indicator":{"type":"yara","value":"NetTraveler","campaigns":["Bench"]},"matched":"NetTraveler","field":"yara","evidence":{"path":"/c/pe/00025.exe","format":"files"}}',
    '{"indicator":{"type":"yara","value":"NetTraveler","campaigns":["Bench"]},"matched":"NetTraveler","field":"yara","evidence":{"path":"zip/0.zip","inside":"a.exe","format":"files"}}',
    '{"indicator":{"type":"md5","value":"00","campaigns":["Bench"]},"evidence":{"path":"x"}}',
    'not json',
  ].join('\n');
  const sl = parseHuntOutput(hunt, '/c');
  assert.deepEqual([...sl.topLevel], ['/c/pe/00025.exe\tNetTraveler']);
  assert.deepEqual([...sl.inside], ['/c/zip/0.zip!a.exe\tNetTraveler']);
  assert.equal(sl.otherSightings, 1);
  assert.equal(sl.badLines, 1);
  assert.deepEqual(diffMatches(sl.topLevel, ya), { both: 1, onlyFirst: [], onlySecond: ['/c/pe/has space.exe\tEnfal'] });
  assert.deepEqual(countByRule(ya), ['Enfal ×1', 'NetTraveler ×1']);
});

test('yaraRuleArgs puts each rule file in its own namespace', () => {
  assert.deepEqual(yaraRuleArgs([join('/r', 'a.yar'), join('/r', 'b.yara')]), ['r0:/r/a.yar', 'r1:/r/b.yara']);
});
