/**
 * Retro-hunting: intel that arrives after the evidence was hunted reaches it.
 * Importing and hunting piecemeal (new intel, another campaign, warninglisted
 * values, then `rehunt`) leaves the case exactly as one hunt with all the
 * intel does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sightline, tempCase, jsonLines, caseBackends, tempCaseOn } from './cli.js';

const SQUID = [
  '1367366400.100     45 10.0.0.1 TCP_MISS/200 900 GET http://www.evil-a.example/x - HIER_DIRECT/192.0.2.1 text/html',
  '1367366401.100     45 10.0.0.2 TCP_MISS/200 900 GET http://login.evil-b.example/ - HIER_DIRECT/8.8.8.8 text/html',
  '1367366402.100     45 10.0.0.3 TCP_MISS/200 900 GET http://cdn.evil-c.example/y - HIER_DIRECT/192.0.2.3 text/html',
  '1367366403.100     45 10.0.0.4 TCP_MISS/200 900 GET http://www.benign.example/ - HIER_DIRECT/192.0.2.4 text/html',
].join('\n') + '\n';

function setUp(dir: string) {
  const ev = join(dir, 'evidence');
  mkdirSync(ev);
  writeFileSync(join(ev, 'access.log'), SQUID);
  writeFileSync(join(dir, 'a.txt'), 'evil-a.example\n8.8.8.8\n');
  writeFileSync(join(dir, 'b.txt'), 'evil-b.example\n');
  writeFileSync(join(dir, 'c.txt'), 'evil-c.example\n');
  return ev;
}

const ok = (r: { status: number | null; stderr: string }) => assert.equal(r.status, 0, r.stderr);
const caseSightings = (db: string) => (jsonLines(sightline(['--db', db, 'sightings', '--json']).stdout).map((s) => JSON.stringify(s))).sort();

for (const backend of caseBackends()) test(`import, hunt, import, hunt again, rehunt: the case equals one hunt with all the intel (${backend.name})`, { skip: backend.skip }, async () => {
  const a = await tempCaseOn(backend);
  const b = await tempCaseOn(backend);
  try {
    const evA = setUp(a.dir);
    ok(sightline(['--db', a.db, 'intel', 'import', '--campaign', 'A', join(a.dir, 'a.txt')]));
    const h1 = sightline(['--db', a.db, 'hunt', '--json', evA]);
    ok(h1);
    assert.deepEqual(jsonLines(h1.stdout).map((s) => (s as { matched: string }).matched), ['www.evil-a.example']);

    ok(sightline(['--db', a.db, 'intel', 'import', '--campaign', 'B', join(a.dir, 'b.txt')]));
    const h2 = sightline(['--db', a.db, 'hunt', '--json', evA]);
    ok(h2);
    assert.deepEqual(jsonLines(h2.stdout).map((s) => (s as { matched: string }).matched), ['login.evil-b.example'], 'only what the first hunt had not met');

    // Hunting again with nothing new reads nothing.
    const h3 = sightline(['--db', a.db, 'hunt', '--json', evA]);
    assert.equal(h3.stdout, '');
    assert.match(h3.stderr, /access\.log: already hunted on .* for every indicator selected/);

    // Warninglisted values were not selected before: asking for them hunts them now.
    const h4 = sightline(['--db', a.db, 'hunt', '--json', '--include-warninglisted', evA]);
    ok(h4);
    assert.deepEqual(jsonLines(h4.stdout).map((s) => (s as { matched: string }).matched), ['8.8.8.8']);

    // New intel, then rehunt: the case's evidence is hunted again without naming it.
    ok(sightline(['--db', a.db, 'intel', 'import', '--campaign', 'C', join(a.dir, 'c.txt')]));
    const r = sightline(['--db', a.db, 'rehunt', '--json']);
    ok(r);
    assert.deepEqual(jsonLines(r.stdout).map((s) => (s as { matched: string }).matched), ['cdn.evil-c.example']);
    const again = sightline(['--db', a.db, 'rehunt', '--json', '--include-warninglisted']);
    ok(again);
    assert.equal(again.stdout, '');

    // The same work at once, in another case.
    const evB = setUp(b.dir);
    for (const [c, f] of [['A', 'a.txt'], ['B', 'b.txt'], ['C', 'c.txt']] as const) ok(sightline(['--db', b.db, 'intel', 'import', '--campaign', c, join(b.dir, f)]));
    ok(sightline(['--db', b.db, 'hunt', '--include-warninglisted', evB]));
    const one = caseSightings(b.db).map((s) => s.replaceAll(b.dir, '<dir>'));
    const piecemeal = caseSightings(a.db).map((s) => s.replaceAll(a.dir, '<dir>'));
    assert.equal(one.length, 4);
    assert.deepEqual(piecemeal, one);
  } finally {
    await a.done();
    await b.done();
  }
});

for (const backend of caseBackends()) test(`a campaign-only hunt leaves the other campaigns to a later hunt (${backend.name})`, { skip: backend.skip }, async () => {
  const c = await tempCaseOn(backend);
  try {
    const ev = setUp(c.dir);
    ok(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'A', join(c.dir, 'a.txt')]));
    ok(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'B', join(c.dir, 'b.txt')]));
    const onlyA = sightline(['--db', c.db, 'hunt', '--json', '--campaign', 'A', ev]);
    assert.deepEqual(jsonLines(onlyA.stdout).map((s) => (s as { matched: string }).matched), ['www.evil-a.example']);
    const all = sightline(['--db', c.db, 'hunt', '--json', ev]);
    assert.deepEqual(jsonLines(all.stdout).map((s) => (s as { matched: string }).matched), ['login.evil-b.example']);
  } finally {
    await c.done();
  }
});

for (const backend of caseBackends()) test(`rehunt says which evidence is no longer readable at its path, or has changed (${backend.name})`, { skip: backend.skip }, async () => {
  const c = await tempCaseOn(backend);
  try {
    const ev = setUp(c.dir);
    writeFileSync(join(ev, 'other.log'), SQUID.split('\n')[0] + '\n');
    ok(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'A', join(c.dir, 'a.txt')]));
    ok(sightline(['--db', c.db, 'hunt', ev]));
    writeFileSync(join(ev, 'other.log'), SQUID);
    ok(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'B', join(c.dir, 'b.txt')]));
    const r = sightline(['--db', c.db, 'rehunt', '--json']);
    ok(r);
    assert.match(r.stderr, /other\.log: changed since it was hunted/);
    assert.deepEqual(jsonLines(r.stdout).map((s) => (s as { matched: string }).matched), ['login.evil-b.example']);
  } finally {
    await c.done();
  }
});

test('a mistyped case is refused by commands that read one; hunt with nothing to hunt for reads nothing (exit 1)', () => {
  const c = tempCase();
  try {
    const typo = join(c.dir, 'case.sb');
    for (const args of [['sightings'], ['samples'], ['intel', 'list'], ['campaign', 'list'], ['rehunt'], ['hunt', c.dir]]) {
      const r = sightline(['--db', typo, ...args]);
      assert.equal(r.status, 1, args.join(' '));
      assert.match(r.stderr, /no case at .*case\.sb/);
      assert.equal(existsSync(typo), false, `${args.join(' ')} created no case`);
    }
    const ev = setUp(c.dir);
    writeFileSync(join(c.dir, 'wl.txt'), '8.8.8.8\n');
    ok(sightline(['--db', c.db, 'intel', 'import', join(c.dir, 'wl.txt')]));
    const r = sightline(['--db', c.db, 'hunt', ev]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /holds no indicators that are not warninglisted .* to hunt for: import intel first/);
    assert.doesNotMatch(r.stderr, /hunted \d+ of/);
    assert.equal(sightline(['--db', c.db, 'hunt', '--include-warninglisted', ev]).status, 0);
  } finally {
    c.done();
  }
});

test("hunting the case's own folder leaves the case's files out, saying so", () => {
  const c = tempCase();
  try {
    setUp(c.dir);
    ok(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'A', join(c.dir, 'a.txt')]));
    ok(sightline(['--db', c.db, 'hunt', join(c.dir, 'evidence')]));
    const r = sightline(['--db', c.db, 'hunt', '--json', c.dir]);
    ok(r);
    assert.match(r.stderr, /case\.db: part of this case .*; not hunted/);
    assert.match(r.stderr, /case\.db-index\/[^:]+\.idx: part of this case/);
    assert.doesNotMatch(r.stderr, /case\.db[^:\n]*: no log format recognised/);
  } finally {
    c.done();
  }
});

for (const backend of caseBackends()) test(`a file hunted before in another format is hunted again in the new one; the old one is not repeated (${backend.name})`, { skip: backend.skip }, async () => {
  const c = await tempCaseOn(backend);
  try {
    const ev = setUp(c.dir);
    ok(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'A', join(c.dir, 'a.txt')]));
    const log = join(ev, 'access.log');
    const asFile = sightline(['--db', c.db, 'hunt', '--json', '--format', 'files', log]);
    ok(asFile);
    assert.equal(asFile.stdout, '');
    const asSquid = sightline(['--db', c.db, 'hunt', '--json', log]);
    ok(asSquid);
    assert.deepEqual(jsonLines(asSquid.stdout).map((s) => [(s as { matched: string }).matched, (s as { evidence: { format: string } }).evidence.format]),
      [['www.evil-a.example', 'squid']]);
    const again = sightline(['--db', c.db, 'hunt', '--json', '--format', 'files', log]);
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /already hunted/);
  } finally {
    await c.done();
  }
});
