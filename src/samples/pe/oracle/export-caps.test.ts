/**
 * Export tables past pefile's limits, written by the project's PE writer: 20,000 names
 * (pefile's default 8192-name cap lists the rest by ordinal only; parsePe reads a
 * well-formed table whole, bounded by the bytes that hold it) and one address repeated by
 * ordinal only more than 120 times (a corrupt table: pefile and parsePe stop). Exact
 * parsePe results always; the same files, and the writer's full fixtures, checked against
 * pefile (its export cap raised, see ORACLE_MAX_EXPORTS) when it is installed.
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

const NAMED = 20_000;
const REPEATED = 200;
const DLL = 0x2000;

/** 20,000 named exports followed by 3 ordinal-only ones. */
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

test('exports: 20,000 names are all listed, then the ordinal-only ones (no 8192 cap)', () => {
  const f = parse(MANY_NAMES);
  assert.equal(f.exports.length, NAMED + 3);
  // Independent of parsePe: the writer puts name i at ordinal i + 1, then three ordinal-only functions.
  assert.deepEqual(f.exports.slice(0, NAMED).map((e) => [e.name, e.ordinal]),
    Array.from({ length: NAMED }, (_, i) => [`F${String(i).padStart(5, '0')}`, i + 1]));
  assert.deepEqual(f.exports.slice(NAMED).map((e) => [e.name ?? null, e.ordinal]), [[null, NAMED + 1], [null, NAMED + 2], [null, NAMED + 3]]);
  assert.deepEqual(f.errors, []);
  assert.deepEqual(f.truncated, {});
});

test('exports: a table claiming more names than the file holds lists what is there and says so', () => {
  const { data, layout } = writePe(MANY_NAMES);
  const [edataOff] = layout.sections['.edata']!;
  data.writeUInt32LE(0x7fffffff, edataOff + 24); // NumberOfNames
  const f = parsePe(data);
  assert.ok(f !== null);
  // Past the 20,000 real names the "names" are the ordinal table's bytes: the first bad entry ends the named list.
  assert.deepEqual(f.errors.slice(0, 1), ['exports: tables point past end of file']);
  assert.equal(f.errors.length, 2);
  assert.match(f.errors[1]!, /^exports: name 20000 /);
  assert.deepEqual(f.exports.map((e) => e.name ?? null), [...parse(MANY_NAMES).exports.map((e) => e.name ?? null)]);
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
