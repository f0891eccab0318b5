/**
 * libgnat-12.dll (Debian's mingw-w64 Ada runtime, installed with gcc-mingw-w64) exports
 * 14242 names (x86-64) and 13644 (i686): more than pefile's 8192-name cap. parsePe must
 * list every one; the expected names come from binutils' `objdump -p`, a reader
 * independent of both parsePe and pefile. Skips when the DLL or objdump is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parsePe } from '../index.js';

/** objdump prints the whole export table: libgnat's listing is about 2 MB. */
const MAX_OBJDUMP_OUTPUT = 64 << 20;

const DLLS = [
  { path: '/usr/lib/gcc/x86_64-w64-mingw32/12-win32/adalib/libgnat-12.dll', objdump: 'x86_64-w64-mingw32-objdump' },
  { path: '/usr/lib/gcc/i686-w64-mingw32/12-win32/adalib/libgnat-12.dll', objdump: 'i686-w64-mingw32-objdump' },
];

/** objdump's export table: the ordinal base and each `[index] name` of the name pointer table, in table order. */
function readObjdumpExports(tool: string, path: string): { base: number; named: Array<[number, string]> } {
  const r = spawnSync(tool, ['-p', path], { encoding: 'utf8', maxBuffer: MAX_OBJDUMP_OUTPUT, env: { ...process.env, LC_ALL: 'C' } });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const baseLine = lines.find((l) => /^Ordinal Base\s/.test(l));
  assert.ok(baseLine !== undefined, 'objdump printed no ordinal base');
  const base = Number(baseLine.trim().split(/\s+/).pop());
  const start = lines.indexOf('[Ordinal/Name Pointer] Table');
  assert.ok(start >= 0, 'objdump printed no name pointer table');
  const named: Array<[number, string]> = [];
  for (const l of lines.slice(start + 1)) {
    const m = /^\t\[\s*(\d+)\] (\S+)$/.exec(l);
    if (m === null) break;
    named.push([Number(m[1]), m[2]!]);
  }
  return { base, named };
}

for (const { path, objdump } of DLLS) {
  const skip = !existsSync(path) ? `${path} is absent (apt-get install gnat-mingw-w64 / gcc-mingw-w64)`
    : spawnSync('which', [objdump]).status !== 0 ? `${objdump} is not on PATH (binutils-mingw-w64)` : false;
  test(`libgnat-12.dll (${objdump.split('-')[0]}): every named export objdump lists, none lost to an 8192 cap`, { skip }, () => {
    const want = readObjdumpExports(objdump, path);
    assert.ok(want.named.length > 8192, `objdump lists ${want.named.length} names`);
    const f = parsePe(readFileSync(path));
    assert.ok(f !== null);
    const got = f.exports.filter((e) => e.name !== undefined).map((e): [number, string] => [e.ordinal - want.base, e.name!]);
    assert.deepEqual(got, want.named);
    assert.deepEqual(f.errors, []);
    assert.deepEqual(f.truncated, {});
  });
}
