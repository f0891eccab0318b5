/**
 * End to end: `hunt` on files that are neither logs nor captures scans them
 * as samples — YARA rules, hashes and file names, inside archives too — and
 * `samples` lists what it met. Fixtures are built by the PE and zip writers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import { writePe } from '../src/samples/pe/testing/pe-writer.js';
import { buildZip } from '../src/samples/testing/zip-writer.js';
import { sightline, tempCase, jsonLines, ROOT } from './cli.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('files and archive members are scanned: YARA, hashes, file names; samples are listed', () => {
  const c = tempCase();
  try {
    const marker = Buffer.from('....travlerbackinfo-example....');
    const { data: pe } = writePe({
      is64: true, machine: 0x8664, timestamp: Date.UTC(2012, 10, 5, 1) / 1000,
      sections: [{ name: '.text', data: Buffer.concat([Buffer.alloc(64, 0x90), marker]) }],
      resources: [{ type: 6, name: 1, lang: 2052, data: Buffer.from('strings') }],
    });
    const other = Buffer.from('plain text, nothing to see\n');
    const dir = join(c.dir, 'samples');
    mkdirSync(dir);
    writeFileSync(join(dir, 'netmgr.exe'), pe, { mode: 0o644 });
    writeFileSync(join(dir, 'notes.txt'), other);
    writeFileSync(join(dir, 'sent.zip'), buildZip([{ name: 'docs/update.exe', data: pe, method: 'deflate', password: 'infected' }]));
    assert.equal(statSync(join(dir, 'netmgr.exe')).mode & 0o111, 0, 'fixtures are never executable');

    const intel = join(c.dir, 'intel.txt');
    writeFileSync(intel, `netmgr.exe\n${sha256(other)}\n`);
    assert.equal(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'NetTraveler', intel, 'examples/nettraveler/intel/nettraveler-example.yar']).status, 0);

    const rel = relative(ROOT, dir);
    const r = sightline(['--db', c.db, 'hunt', '--json', rel]);
    assert.equal(r.status, 0, r.stderr);
    const got = jsonLines(r.stdout).map((s) => {
      const x = s as { indicator: { type: string; value: string }; matched: string; field: string; evidence: Record<string, unknown> };
      return [x.field, x.indicator.type, x.matched, x.evidence['path'], x.evidence['format'], x.evidence['inside'] ?? null];
    });
    assert.deepEqual(got, [
      ['file.name', 'filename', 'netmgr.exe', `${rel}/netmgr.exe`, 'files', null],
      ['yara', 'yara', 'NT_Example_Marker', `${rel}/netmgr.exe`, 'files', null],
      ['file.sha256', 'sha256', sha256(other), `${rel}/notes.txt`, 'files', null],
      ['yara', 'yara', 'NT_Example_Marker', `${rel}/sent.zip`, 'files', 'docs/update.exe'],
    ]);
    assert.match(r.stderr, /hunted 3 of 3 file\(s\) \(2 files, 1 text\) for 3 indicator\(s\): 4 sighting\(s\) stored, 3 new sample\(s\)/);
    const yaraHit = (jsonLines(r.stdout)[1] as { yara: unknown }).yara;
    assert.deepEqual(yaraHit, {
      namespace: 'nettraveler-example.yar', tags: ['nettraveler', 'example'],
      meta: { description: 'Sightline example: NetTraveler-style upload marker', author: 'Sightline developers' },
      strings: [{ identifier: '$marker', offsets: [pe.indexOf(marker) + 4], count: 1 }],
    });
    const stored = jsonLines(sightline(['--db', c.db, 'sightings', '--json']).stdout) as Array<{ field: string; yara?: unknown }>;
    assert.deepEqual(stored.filter((x) => x.field === 'yara').map((x) => x.yara), [yaraHit, yaraHit], 'the same PE, alone and inside the zip');
    assert.equal(stored.filter((x) => x.field !== 'yara' && 'yara' in x).length, 0);

    const samples = jsonLines(sightline(['--db', c.db, 'samples', '--json']).stdout) as Array<Record<string, unknown>>;
    const bySha = new Map(samples.map((s) => [s['sha256'], s]));
    const peSample = bySha.get(sha256(pe))!;
    assert.deepEqual(peSample['paths'], [`${rel}/netmgr.exe`, `${rel}/sent.zip!docs/update.exe`]);
    assert.deepEqual(peSample['campaigns'], ['NetTraveler']);
    assert.deepEqual(peSample['yara'], ['NT_Example_Marker']);
    assert.equal(peSample['type'], 'pe');
    const facts = peSample['pe'] as { machine: string; timestamp: string; resources: Array<{ type: string; name: string; lang: number }> };
    assert.equal(facts.machine, 'amd64');
    assert.equal(facts.timestamp, '2012-11-05T01:00:00.000Z');
    assert.deepEqual(facts.resources.map((x) => [x.type, x.name, x.lang]), [['RT_STRING', '1', 2052]]);
    assert.equal(samples.length, 3, 'the PE (two paths), the text file and the zip');
    assert.deepEqual((jsonLines(sightline(['--db', c.db, 'samples', '--json', '--campaign', 'NetTraveler']).stdout) as Array<{ sha256: string }>).map((s) => s.sha256).sort(),
      [sha256(pe), sha256(other)].sort());

    // A copy of a sample elsewhere: the same content adds no evidence and no sighting twice, but the case learns the new path.
    writeFileSync(join(dir, 'copy-of-netmgr.bin'), pe, { mode: 0o644 });
    const copy = sightline(['--db', c.db, 'hunt', '--json', `${rel}/copy-of-netmgr.bin`]);
    assert.equal(copy.stdout, '');
    assert.match(copy.stderr, /copy-of-netmgr\.bin: same content \(sha256 [0-9a-f]{12}…\) as .*netmgr\.exe, already in the case; 0 new sighting\(s\) added to it, 1 already known/);
    assert.match(copy.stderr, /1 a copy of content already in the case; 1 sighting\(s\) found again in content already hunted \(not stored twice\)/);
    const again = (jsonLines(sightline(['--db', c.db, 'samples', '--json']).stdout) as Array<{ sha256: string; paths: string[] }>).find((x) => x.sha256 === sha256(pe))!;
    assert.deepEqual(again.paths, [`${rel}/copy-of-netmgr.bin`, `${rel}/netmgr.exe`, `${rel}/sent.zip!docs/update.exe`]);

    const big = sightline(['--db', c.db, 'hunt', '--max-file-size', '10', join(c.dir, 'intel.txt')]);
    assert.equal(big.status, 2);
    assert.match(big.stderr, /over the 10-byte limit for scanned files/);
  } finally {
    c.done();
  }
});

test('a YARA rule name used by two rule files is two indicators: a match is the matching file\'s campaign only', () => {
  const c = tempCase();
  try {
    writeFileSync(join(c.dir, 'x.yar'), 'rule APT_Generic { strings: $a = "X-ONLY-MARKER" condition: $a }\n');
    writeFileSync(join(c.dir, 'y.yar'), 'rule APT_Generic { strings: $a = "Y-ONLY-MARKER" condition: $a }\n');
    assert.equal(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'Xcamp', join(c.dir, 'x.yar')]).status, 0);
    assert.equal(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'Ycamp', join(c.dir, 'y.yar')]).status, 0);
    const rules = jsonLines(sightline(['--db', c.db, 'intel', 'list', '--type', 'yara', '--json']).stdout);
    assert.deepEqual(rules, [
      { type: 'yara', value: 'APT_Generic', campaigns: ['Xcamp'], sources: ['x.yar'], warninglist: null },
      { type: 'yara', value: 'APT_Generic', campaigns: ['Ycamp'], sources: ['y.yar'], warninglist: null },
    ]);
    const ev = join(c.dir, 'ev');
    mkdirSync(ev);
    writeFileSync(join(ev, 'a.bin'), Buffer.concat([Buffer.from([0, 1, 2, 3]), Buffer.from('..Y-ONLY-MARKER..'), Buffer.alloc(64)]));
    const r = sightline(['--db', c.db, 'hunt', '--json', ev]);
    assert.equal(r.status, 0, r.stderr);
    const got = jsonLines(r.stdout) as Array<{ indicator: { value: string; campaigns: string[] }; yara: { namespace: string } }>;
    assert.deepEqual(got.map((s) => [s.indicator.value, s.indicator.campaigns, s.yara.namespace]), [['APT_Generic', ['Ycamp'], 'y.yar']]);
  } finally {
    c.done();
  }
});
