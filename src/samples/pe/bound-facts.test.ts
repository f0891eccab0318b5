/**
 * PE facts stay bounded however the file multiplies its lists: a hostile import table
 * (65,536 thunks naming one 500-byte name) and twenty such files in a zip. Expected
 * values are derived from what the writer was asked to write, never from Sightline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../../core/diagnostic.js';
import { analyzeFile, FactsBudget } from '../analyze-file.js';
import { expandArchive } from '../archive.js';
import { DEFAULT_ARCHIVE_LIMITS } from '../archive-context.js';
import { buildZip } from '../testing/zip-writer.js';
import { boundPeFacts, computeFactsCap, MAX_ERRORS, MAX_FACTS_BYTES_CEILING, MAX_FACTS_BYTES_FLOOR, parsePe } from './index.js';
import { writePe, type PeSpec } from './testing/pe-writer.js';

const THUNKS = 65_536;
const NAME = 'A'.repeat(500);
const MEMBERS = 20;

/** One import descriptor whose 65,536 thunks all point at one hint/name entry. */
const HOSTILE: PeSpec = { shareImportNames: true, imports: [{ dll: 'KERNEL32.dll', functions: Array.from({ length: THUNKS }, () => NAME) }] };
const hostile = writePe(HOSTILE).data;

const jsonBytes = (v: unknown): number => Buffer.byteLength(JSON.stringify(v), 'utf8');

test('bound: the hostile file is small (the writer shares the one name)', () => {
  // 65,537 four-byte thunks in each of two tables, one name, headers: about 525 KB.
  assert.ok(hostile.length < 2 * 4 * (THUNKS + 1) + 4096, `${hostile.length} bytes`);
});

test('bound: 65,536 imports of one 500-byte name: facts within the file-size cap, imports cut and said so, imphash over all', () => {
  const facts = analyzeFile(hostile);
  const pe = facts.pe;
  assert.ok(pe !== null);
  const cap = computeFactsCap(hostile.length);
  assert.equal(cap, hostile.length);
  const size = jsonBytes(pe);
  assert.ok(size <= cap, `${size} > ${cap}`);
  assert.equal(facts.factsBytes, size);
  assert.deepEqual(pe.truncated, { imports: THUNKS });
  assert.equal(pe.imports.length, 1);
  const kept = pe.imports[0]!.functions;
  assert.ok(kept.length > 0 && kept.length < THUNKS, `${kept.length} kept`);
  assert.deepEqual(new Set(kept.map((f) => JSON.stringify(f))), new Set([JSON.stringify({ name: NAME, hint: 0 })]));
  // imphash is computed before the cut: md5 of "kernel32.<name>" 65,536 times, comma-joined.
  const want = createHash('md5').update(Array.from({ length: THUNKS }, () => `kernel32.${NAME.toLowerCase()}`).join(','), 'latin1').digest('hex');
  assert.equal(pe.imphash, want);
  assert.deepEqual(pe.errors, []);
});

test('bound: the parser shares the one name among the 65,536 functions it reads', () => {
  const pe = parsePe(hostile);
  assert.ok(pe !== null);
  assert.equal(pe.imports[0]!.functions.length, THUNKS);
  assert.deepEqual(pe.truncated, {});
});

test('bound: the longest list is cut first; shorter ones are kept whole', () => {
  const spec: PeSpec = {
    characteristics: 0x2102,
    imports: [{ dll: 'KERNEL32.dll', functions: ['GetProcAddress', 'LoadLibraryA'] }],
    exports: { dllName: 'x.dll', functions: Array.from({ length: 5000 }, (_, i) => ({ name: `Export${i}` })) },
  };
  const pe = parsePe(writePe(spec).data);
  assert.ok(pe !== null);
  const whole = jsonBytes(pe);
  const cap = whole - 10_000;
  const r = boundPeFacts(pe, cap);
  assert.equal(r.cut, true);
  assert.equal(r.bytes, jsonBytes(pe));
  assert.ok(r.bytes <= cap);
  assert.deepEqual(pe.truncated, { exports: 5000 });
  assert.deepEqual(pe.imports.map((i) => [i.dll, i.functions.map((f) => f.name)]), [['KERNEL32.dll', ['GetProcAddress', 'LoadLibraryA']]]);
  assert.deepEqual(pe.exports.map((e) => e.name), Array.from({ length: pe.exports.length }, (_, i) => `Export${i}`));
  assert.ok(pe.exports.length > 4000 && pe.exports.length < 5000, `${pe.exports.length}`);
});

test('bound: facts under the cap are left alone; errors past MAX_ERRORS are cut and counted', () => {
  const pe = parsePe(writePe({}).data);
  assert.ok(pe !== null);
  const before = JSON.stringify(pe);
  assert.deepEqual(boundPeFacts(pe, MAX_FACTS_BYTES_FLOOR), { bytes: Buffer.byteLength(before), json: before, cut: false });
  assert.equal(JSON.stringify(pe), before);
  pe.errors = Array.from({ length: 1000 }, (_, i) => `e${i}`);
  boundPeFacts(pe, MAX_FACTS_BYTES_FLOOR);
  assert.equal(pe.errors.length, MAX_ERRORS);
  assert.deepEqual(pe.truncated, { errors: 1000 });
});

test('bound: the cap is the file size, at least 256 KiB and at most 4 MiB', () => {
  assert.equal(computeFactsCap(0), 256 * 1024);
  assert.equal(computeFactsCap(300_000), 300_000);
  assert.equal(computeFactsCap(15_412_267), 4 * 1024 * 1024);
  assert.equal(MAX_FACTS_BYTES_CEILING, 4 * 1024 * 1024);
});

/** Expands `zip` and analyses every member with one budget, as the hunt does. */
function analyzeZip(zip: Buffer, maxFactsBytes: number) {
  const diagnostics: Diagnostic[] = [];
  const budget = new FactsBudget(maxFactsBytes, 'x.zip', (d) => diagnostics.push(d));
  const top = analyzeFile(zip, { budget });
  const members = [...expandArchive(zip, 'x.zip', DEFAULT_ARCHIVE_LIMITS, (d) => diagnostics.push(d))]
    .map((m) => ({ inside: m.inside, facts: analyzeFile(m.data, { budget, inside: m.inside }) }));
  return { top, members, diagnostics, budget };
}

const zip = buildZip(Array.from({ length: MEMBERS }, (_, i) => ({ name: `s${i}.exe`, data: hostile, method: 'deflate' as const })));

test('bound: a small zip of twenty hostile PEs adds at most twenty file-size caps of facts', () => {
  assert.ok(zip.length < 64 * 1024, `${zip.length} bytes`);
  const r = analyzeZip(zip, DEFAULT_ARCHIVE_LIMITS.maxFactsBytes);
  assert.equal(r.members.length, MEMBERS);
  const total = r.members.reduce((n, m) => n + jsonBytes(m.facts.pe), 0);
  assert.ok(total <= MEMBERS * hostile.length, `${total}`);
  assert.equal(r.budget.used, total);
  for (const m of r.members) assert.deepEqual(m.facts.pe?.truncated, { imports: THUNKS }, m.inside);
  assert.deepEqual(r.diagnostics, []);
});

test('bound: past the archive facts budget later members keep their headers, their lists are cut, one diagnostic says so', () => {
  const budget = 2 * 1024 * 1024;
  const r = analyzeZip(zip, budget);
  assert.equal(r.members.length, MEMBERS);
  const sizes = r.members.map((m) => jsonBytes(m.facts.pe));
  // Members past the budget keep header facts only: a few KB each.
  const headerOnly = jsonBytes({ ...r.members[MEMBERS - 1]!.facts.pe, imports: [] });
  assert.ok(sizes.reduce((a, b) => a + b, 0) <= budget + MEMBERS * headerOnly);
  const first = r.members.findIndex((m) => m.facts.pe!.imports.length === 0);
  assert.ok(first > 0, `first member cut to nothing: ${first}`);
  for (const m of r.members) {
    const pe = m.facts.pe!;
    assert.equal(pe.machine, 'i386', m.inside);
    assert.equal(pe.imphash, r.members[0]!.facts.pe!.imphash, m.inside);
    // Left nothing, a member's every list is cut: its two sections too.
    assert.deepEqual(pe.truncated, pe.sections.length === 0 ? { sections: 2, imports: THUNKS } : { imports: THUNKS }, m.inside);
  }
  assert.equal(r.diagnostics.length, 1);
  assert.equal(r.diagnostics[0]!.code, 'too-large');
  assert.equal(r.diagnostics[0]!.path, 'x.zip');
  assert.match(r.diagnostics[0]!.reason, /^PE facts of this file and its members pass the limit of 2097152 bytes in all: their lists are cut from s\d+\.exe on \(see pe\.truncated\)$/);
});
