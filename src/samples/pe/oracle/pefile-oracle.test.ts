/** projectPeFacts and diffOracleFacts on a PE written by the project's writer: the comparison reports each differing field. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePe } from '../index.js';
import { writePe } from '../testing/pe-writer.js';
import { buildFullSpec } from '../testing/fixtures.js';
import { diffOracleFacts, projectPeFacts, type OracleFacts } from './pefile-oracle.js';

function projectFull(): OracleFacts {
  const facts = parsePe(writePe(buildFullSpec(true)).data);
  assert.ok(facts !== null);
  return projectPeFacts(facts);
}

test('projectPeFacts: imports as names or [ordinal, looked-up name], resources as [type, name, lang, codePage, size]', () => {
  const p = projectFull();
  assert.equal(p.machine, 0x8664);
  assert.equal(p.timestamp, 0x50970a10);
  assert.deepEqual(p.imports, [
    ['KERNEL32.dll', ['GetProcAddress', 'LoadLibraryA']],
    ['WS2_32.dll', [[1, 'accept'], [23, 'socket'], [999, 'ord999']]],
    ['OLEAUT32.dll', [[2, 'SysAllocString']]],
    ['foo.dll', [[7, null]]],
  ]);
  assert.deepEqual(p.resources.map(([type, name, lang]) => [type, name, lang]), [
    ['CUSTOM', 'CFG', 1033], ['RT_STRING', '1', 2052], ['RT_VERSION', '1', 1033],
  ]);
  assert.deepEqual(p.timestamps, [['export', 0x50970a11], ['resource', 0x50970a13], ['debug:codeview', 0x50970a12]]);
  assert.equal(p.pdb, 'C:\\build\\netmgr.pdb');
  assert.deepEqual(p.rich, [[259, 30729, 12], [1, 0, 33]]);
  assert.equal(p.exportName, 'netmgr.dll');
});

test('diffOracleFacts: equal facts give no lines; each changed field gives one line naming it', () => {
  const ours = projectFull();
  assert.deepEqual(diffOracleFacts(ours, projectFull()), []);
  const theirs = projectFull();
  theirs.imphash = '0'.repeat(32);
  theirs.sections[1]![0] = '/4';
  theirs.imports[1]![1].pop();
  theirs.resources[1]![2] = 1033;
  delete theirs.exports[0]!.name;
  theirs.versionInfo = null;
  assert.deepEqual(diffOracleFacts(ours, theirs), [
    'exports[0].name: parsePe "Install", pefile absent',
    `imphash: parsePe "${ours.imphash}", pefile "00000000000000000000000000000000"`,
    'imports[1][1][2]: parsePe [999,"ord999"], pefile absent',
    'resources[1][2]: parsePe 2052, pefile 1033',
    'sections[1][0]: parsePe ".verylongname", pefile "/4"',
    'versionInfo: parsePe {"fileVersion":"1.2.3.4","productVersion":"1.2.3.4","strings":{"CompanyName":"Acme","OriginalFilename":"netmgr.exe"}}, pefile null',
  ]);
});

test('diffOracleFacts: stops after 40 lines', () => {
  const ours = projectFull();
  const theirs = projectFull();
  theirs.sections = Array.from({ length: 60 }, (_, i) => [`s${i}`, 0, 0, 0, 0]);
  const lines = diffOracleFacts(ours, theirs);
  assert.equal(lines.length, 41);
  assert.equal(lines[40], '… (first 40 differences shown)');
});
