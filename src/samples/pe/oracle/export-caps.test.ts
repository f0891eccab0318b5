/**
 * Export tables at pefile's limits, written by the project's PE writer: more than
 * 8192 names (pefile lists the rest by ordinal only) and one address repeated by
 * ordinal only more than 120 times (pefile stops). Exact parsePe results always;
 * the same files, and the writer's full fixtures, checked against pefile when it is installed.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePe } from '../index.js';
import type { PeFacts } from '../types.js';
import { writePe, type PeSpec } from '../testing/pe-writer.js';
import { buildFullSpec } from '../testing/fixtures.js';
import { checkPefile, diffOracleFacts, projectPeFacts, runPefileOracle } from './pefile-oracle.js';

const NAMED = 9000;
const CAP = 8192;
const REPEATED = 200;
const DLL = 0x2000;

/** 9000 named exports followed by 3 ordinal-only ones. */
const MANY_NAMES: PeSpec = {
  characteristics: 0x2102,
  exports: {
    dllName: 'many.dll',
    functions: [
      ...Array.from({ length: NAMED }, (_, i) => ({ name: `F${String(i).padStart(5, '0')}` })),
      {}, {}, {},
    ],
  },
};

/** One named export, then 200 ordinal-only entries all at the same address. */
const REPEATED_ADDRESS: PeSpec = {
  characteristics: DLL | 0x102,
  exports: {
    dllName: 'repeat.dll',
    functions: [{ name: 'Only' }, ...Array.from({ length: REPEATED }, () => ({ rva: 0x1010 }))],
  },
};

const FILES: Record<string, PeSpec> = {
  'many-names.dll': MANY_NAMES, 'repeated-address.dll': REPEATED_ADDRESS,
  'full32.exe': buildFullSpec(false), 'full64.exe': buildFullSpec(true),
};

function parse(spec: PeSpec): PeFacts {
  const f = parsePe(writePe(spec).data);
  assert.ok(f !== null);
  return f;
}

test('exports: past 8192 names the rest are listed by ordinal only, as pefile does', () => {
  const f = parse(MANY_NAMES);
  assert.equal(f.exports.length, NAMED + 3);
  assert.deepEqual(f.exports.slice(CAP - 1, CAP + 1).map((e) => [e.name ?? null, e.ordinal]), [['F08191', CAP], [null, CAP + 1]]);
  assert.equal(f.exports.filter((e) => e.name !== undefined).length, CAP);
  assert.deepEqual(f.exports.slice(CAP).map((e) => e.ordinal), Array.from({ length: NAMED + 3 - CAP }, (_, i) => CAP + 1 + i));
  assert.deepEqual(f.errors, ['exports: more than 8192 names, the rest listed by ordinal only']);
});

test('exports: an address repeated by ordinal only more than 120 times ends the list, as pefile does', () => {
  const f = parse(REPEATED_ADDRESS);
  assert.equal(f.exports.length, 1 + 120);
  assert.deepEqual(f.exports[0], { name: 'Only', ordinal: 1, rva: f.exports[0]!.rva });
  assert.deepEqual(f.exports[120], { ordinal: 121, rva: 0x1010 });
  assert.deepEqual(f.errors, ['exports: too many repeated ordinal-only entries']);
});

let dir: string | null = null;
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

test('writer fixtures and export limits: parsePe agrees with pefile', { skip: checkPefile() ?? false }, () => {
  dir = mkdtempSync(join(tmpdir(), 'sightline-pe-caps-'));
  const paths = Object.entries(FILES).map(([name, spec]) => {
    const p = join(dir!, name);
    writeFileSync(p, writePe(spec).data);
    return p;
  });
  const report = runPefileOracle(paths);
  const diffs = paths.flatMap((p, i) => {
    const theirs = report.files.get(p);
    if (theirs === undefined || 'error' in theirs) return [`${p}: pefile: ${JSON.stringify(theirs)}`];
    return diffOracleFacts(projectPeFacts(parse(Object.values(FILES)[i]!)), theirs).map((d) => `${p}: ${d}`);
  });
  assert.deepEqual(diffs, []);
});
