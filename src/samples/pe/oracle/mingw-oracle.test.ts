/**
 * parsePe against Debian's python3-pefile as an oracle, over real PE files:
 * programs and DLLs built here with mingw-w64 (windres resources in four
 * languages, ordinal imports, a .def with an ordinal-only export and a forwarder,
 * zero/fixed/current timestamps, -g and -s builds), the mingw-w64 runtime DLLs
 * and, where wine64 is installed, Wine's PE DLLs. Skips, saying why, when
 * mingw-w64 or pefile is absent.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parsePe } from '../index.js';
import type { PeFacts } from '../types.js';
import { FIXED_EPOCH, buildMingwFixtures, checkMingwTools, type MingwBuild } from './mingw-builds.js';
import { checkPefile, diffOracleFacts, projectPeFacts, runPefileOracle, type OracleFacts } from './pefile-oracle.js';
import { WINE_DLL_DIR, findRuntimeDlls, findWineDlls } from './system-dlls.js';

const PEFILE_MISSING = checkPefile();
const SKIP_BUILDS = checkMingwTools() ?? PEFILE_MISSING ?? false;
const WINE_DIR = process.env['SIGHTLINE_WINE_DLLS'] ?? WINE_DLL_DIR;
const WINE = PEFILE_MISSING === null ? findWineDlls(WINE_DIR) : [];
const SKIP_WINE = PEFILE_MISSING ?? (WINE.length === 0 ? `no Wine PE DLLs at ${WINE_DIR} (wine64 is not installed)` : false);
const RUNTIME = PEFILE_MISSING === null ? findRuntimeDlls() : [];
const SKIP_RUNTIME = PEFILE_MISSING ?? (RUNTIME.length === 0 ? 'no mingw-w64 runtime DLLs installed (gcc-mingw-w64-*)' : false);

interface Compared { ours: PeFacts; theirs: OracleFacts }

/** Built once, on first use, in a temporary folder removed after the tests. */
let built: { dir: string; builds: MingwBuild[]; startedAt: number; facts: Map<string, Compared> } | null = null;
/** Why the one build failed: every test that needs it fails with this, not with a later symptom. */
let buildError: unknown = null;
let tempDir: string | null = null;

after(() => { if (tempDir) rmSync(tempDir, { recursive: true, force: true }); });

/** Reads every path with parsePe and with pefile (one Python run); fails on a file either side cannot read. */
function compareAll(paths: string[]): Map<string, Compared> {
  const report = runPefileOracle(paths);
  const out = new Map<string, Compared>();
  for (const p of paths) {
    const theirs = report.files.get(p);
    assert.ok(theirs !== undefined && !('error' in theirs), `pefile could not read ${p}: ${JSON.stringify(theirs)}`);
    const ours = parsePe(readFileSync(p));
    assert.ok(ours !== null, `parsePe says ${p} is not a PE`);
    out.set(p, { ours, theirs });
  }
  return out;
}

function getBuilt(): NonNullable<typeof built> {
  if (buildError !== null) throw buildError;
  if (built) return built;
  try {
    tempDir = mkdtempSync(join(tmpdir(), 'sightline-mingw-'));
    const startedAt = Math.floor(Date.now() / 1000);
    const builds = buildMingwFixtures(tempDir);
    built = { dir: tempDir, builds, startedAt, facts: compareAll(builds.map((b) => b.path)) };
    return built;
  } catch (e) {
    buildError = e;
    throw e;
  }
}

function getBuild(name: string): MingwBuild & Compared {
  const b = getBuilt();
  const build = b.builds.find((x) => x.name === name);
  assert.ok(build, `no build named ${name}`);
  return { ...build, ...b.facts.get(build.path)! };
}

/** Asserts both sides agree on every compared field, listing the differences by field. */
function assertAgrees(label: string, c: Compared): void {
  assert.deepEqual(diffOracleFacts(projectPeFacts(c.ours), c.theirs), [], `${label}: parsePe and pefile differ`);
  assert.deepEqual(c.ours.errors, [], `${label}: parsePe reported errors`);
}

const BUILD_NAMES = ['app-x64.exe', 'app-x64-g.exe', 'app-x86-s.exe', 'app-x86-g.exe', 'lib-x64.dll', 'lib-x86-s.dll', 'lib-x64-g.dll'];

for (const name of BUILD_NAMES) {
  test(`mingw ${name}: parsePe agrees with pefile (imphash, timestamps, sections, imports, exports, resources, checksum)`,
    { skip: SKIP_BUILDS }, () => {
      assertAgrees(name, getBuild(name));
    });
}

test('mingw builds: machine, timestamp and debug sections are what each build asked for', { skip: SKIP_BUILDS }, () => {
  const { builds, startedAt } = getBuilt();
  assert.deepEqual(builds.map((b) => b.name), BUILD_NAMES);
  for (const name of BUILD_NAMES) {
    const b = getBuild(name);
    assert.equal(b.ours.machine, b.arch === 'x64' ? 'amd64' : 'i386', name);
    assert.equal(b.ours.magic, b.arch === 'x64' ? 'PE32+' : 'PE32', name);
    assert.equal(b.ours.characteristicsFlags.includes('DLL'), b.kind === 'dll', name);
    if (b.timestamp === 'zero') {
      assert.equal(b.ours.timestampRaw, 0, name);
      assert.ok(b.ours.anomalies.includes('timestamp-zero'), name);
    } else if (b.timestamp === 'now') {
      const now = Math.floor(Date.now() / 1000);
      assert.ok(b.ours.timestampRaw >= startedAt && b.ours.timestampRaw <= now, `${name}: ${b.ours.timestampRaw} not in [${startedAt}, ${now}]`);
    } else {
      assert.equal(b.ours.timestamp, '2012-11-05T01:00:00.000Z', name);
      assert.equal(b.ours.timestampRaw, FIXED_EPOCH, name);
    }
    const names = b.ours.sections.map((s) => s.name);
    if (b.debug) {
      for (const want of ['.debug_info', '.debug_abbrev', '.debug_line']) assert.ok(names.includes(want), `${name}: ${want} in ${names.join(' ')}`);
    }
    if (b.stripped) {
      assert.deepEqual(names.filter((n) => n.startsWith('/') || n.startsWith('.debug')), [], name);
      assert.equal(b.ours.overlay, null, name);
    }
  }
});

test('mingw app: ws2_32 imported by ordinal, the other DLLs by name', { skip: SKIP_BUILDS }, () => {
  for (const name of ['app-x64.exe', 'app-x86-s.exe']) {
    const { ours } = getBuild(name);
    assert.deepEqual(ours.imports.map((i) => i.dll), ['WS2_32.dll', 'ADVAPI32.dll', 'KERNEL32.dll', 'msvcrt.dll', 'USER32.dll'], name);
    const ws2 = ours.imports[0]!.functions.map((f) => [f.ordinal, f.name, f.hint]);
    assert.deepEqual(ws2, [[116, 'WSACleanup', undefined], [115, 'WSAStartup', undefined], [9, 'htons', undefined], [14, 'ntohl', undefined]], name);
    assert.deepEqual(ours.imports[1]!.functions.map((f) => f.name), ['RegCloseKey', 'RegOpenKeyExW'], name);
    assert.deepEqual(ours.imports[4]!.functions.map((f) => f.name), ['LoadStringW'], name);
    assert.match(ours.imphash, /^[0-9a-f]{32}$/);
  }
});

test('mingw app: resources in four languages and the English VERSIONINFO', { skip: SKIP_BUILDS }, () => {
  for (const name of ['app-x64.exe', 'app-x86-g.exe']) {
    const { ours } = getBuild(name);
    assert.deepEqual(ours.resources.map((r) => [r.type, r.name, r.lang]), [
      ['BLOBTYPE', '300', 1049], ['NOTES', '7', 1033],
      ['RT_STRING', '1', 1033], ['RT_STRING', '1', 1042], ['RT_STRING', '1', 1049], ['RT_STRING', '1', 2052],
      ['RT_STRING', '2', 1033], ['RT_RCDATA', 'FIXTUREDATA', 1042], ['RT_VERSION', '1', 1033], ['RT_VERSION', '1', 2052],
    ], name);
    assert.deepEqual(ours.versionInfo, {
      fileVersion: '1.2.3.4', productVersion: '1.2.0.0',
      strings: {
        CompanyName: 'Sightline Test Fixtures', FileDescription: 'mingw-w64 oracle fixture', FileVersion: '1.2.3.4',
        InternalName: 'oracle-app', OriginalFilename: 'oracle-app.exe', ProductName: 'Sightline', ProductVersion: '1.2',
      },
    }, name);
  }
});

test('mingw lib: .def ordinals, an ordinal-only export, a forwarder, dllexport names and Russian VERSIONINFO', { skip: SKIP_BUILDS }, () => {
  for (const name of ['lib-x64.dll', 'lib-x86-s.dll', 'lib-x64-g.dll']) {
    const { ours } = getBuild(name);
    assert.equal(ours.exportName, 'oracle-lib.dll', name);
    const exports = ours.exports.map((e) => [e.name ?? null, e.ordinal, e.forwarder ?? null]);
    assert.deepEqual(exports, [
      ['SightlineAdd', 2, null], ['SightlineListed', 3, null], ['SightlineStdcall', 4, null],
      ['SightlineTickForward', 5, 'KERNEL32.GetTickCount'], ['SightlineTicks', 6, null], [null, 7, null],
    ], name);
    assert.deepEqual(ours.imports.find((i) => i.dll === 'WS2_32.dll')?.functions.map((f) => f.name), ['htonl'], name);
    assert.deepEqual(ours.resources.map((r) => [r.type, r.name, r.lang]), [
      ['RT_STRING', '7', 1033], ['RT_STRING', '7', 1042], ['RT_RCDATA', 'CONFIG', 2052], ['RT_VERSION', '1', 1049],
    ], name);
    assert.deepEqual(ours.versionInfo?.strings, { CompanyName: 'Тестовая компания', OriginalFilename: 'oracle-lib.dll' }, name);
  }
  const { ours } = getBuild('lib-x64.dll');
  assert.equal(ours.codeView?.format, 'RSDS');
  assert.deepEqual(ours.otherTimestamps, []);
});

test('mingw-w64 runtime DLLs Debian ships: parsePe agrees with pefile', { skip: SKIP_RUNTIME }, () => {
  const facts = compareAll(RUNTIME);
  const diffs = [...facts].flatMap(([p, c]) => diffOracleFacts(projectPeFacts(c.ours), c.theirs).map((d) => `${p}: ${d}`));
  assert.deepEqual(diffs, []);
  assert.ok(RUNTIME.some((p) => basename(p) === 'libwinpthread-1.dll'), RUNTIME.join(' '));
  for (const [p, { ours, theirs }] of facts) {
    if (basename(p) !== 'libgnat-12.dll') continue;
    // More than 8192 exports: pefile's default cap would list the names past 8192 by ordinal
    // only; the oracle raises it (ORACLE_MAX_EXPORTS), so both sides list every name.
    assert.ok(theirs.exports.length > 8192, `${p}: ${theirs.exports.length} exports`);
    assert.equal(ours.exports.filter((e) => e.name !== undefined).length, theirs.exports.filter((e) => e.name !== undefined).length, p);
    assert.deepEqual(ours.errors, [], p);
  }
});

test(`Wine's PE DLLs (at most 40, ${WINE_DIR}): parsePe agrees with pefile`, { skip: SKIP_WINE }, () => {
  const facts = compareAll(WINE);
  const diffs = [...facts].flatMap(([p, c]) => diffOracleFacts(projectPeFacts(c.ours), c.theirs).map((d) => `${p}: ${d}`));
  assert.deepEqual(diffs, []);
});
