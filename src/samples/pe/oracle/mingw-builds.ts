/**
 * Builds the oracle test's PE files with Debian's mingw-w64 cross compilers in a
 * folder the caller owns: console programs and DLLs for x86-64 and i686, with
 * windres resources, a dlltool import library for ordinal imports, a .def file,
 * fixed/zero/current timestamps, -g debug sections and -s stripped builds.
 * Test support only: it runs compilers, never the programs it builds.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_C, APP_RC, LIB_C, LIB_DEF, LIB_RC, makeOrdinalDef } from './oracle-sources.js';

/** Longest a single compiler run may take before it counts as failed. */
const MAX_TOOL_MS = 120_000;
/** Largest compiler output kept for an error message. */
const MAX_TOOL_OUTPUT = 1 << 20;

/** SOURCE_DATE_EPOCH given to the fixed-timestamp builds: 2012-11-05T01:00:00Z. */
export const FIXED_EPOCH = 1352077200;

/** The two mingw-w64 targets. */
export type MingwArch = 'x64' | 'x86';

/** What a build was asked to be, to assert on without pefile. */
export interface MingwBuild {
  /** Absolute path of the built file. */
  path: string;
  /** File name ('app-x64.exe'). */
  name: string;
  /** Target. */
  arch: MingwArch;
  /** Console program or DLL. */
  kind: 'exe' | 'dll';
  /** Built with -g (DWARF sections with COFF long names). */
  debug: boolean;
  /** Built with -s (no symbol table, no debug sections). */
  stripped: boolean;
  /** TimeDateStamp wanted: 0 (--no-insert-timestamp), the link time, or SOURCE_DATE_EPOCH. */
  timestamp: 'zero' | 'now' | number;
}

type BuildSpec = Omit<MingwBuild, 'path'> & { flags: string[] };

const TRIPLES: Record<MingwArch, string> = { x64: 'x86_64-w64-mingw32', x86: 'i686-w64-mingw32' };

/** The builds: every feature the brief names appears in at least one of them. */
const BUILDS: readonly BuildSpec[] = [
  { name: 'app-x64.exe', arch: 'x64', kind: 'exe', debug: false, stripped: false, timestamp: 'now', flags: ['-O2'] },
  { name: 'app-x64-g.exe', arch: 'x64', kind: 'exe', debug: true, stripped: false, timestamp: 'zero', flags: ['-g', '-O0', '-Wl,--no-insert-timestamp'] },
  { name: 'app-x86-s.exe', arch: 'x86', kind: 'exe', debug: false, stripped: true, timestamp: FIXED_EPOCH, flags: ['-s', '-O2'] },
  { name: 'app-x86-g.exe', arch: 'x86', kind: 'exe', debug: true, stripped: false, timestamp: 'now', flags: ['-g'] },
  { name: 'lib-x64.dll', arch: 'x64', kind: 'dll', debug: false, stripped: false, timestamp: 'zero', flags: ['-O2', '-Wl,--build-id', '-Wl,--no-insert-timestamp'] },
  { name: 'lib-x86-s.dll', arch: 'x86', kind: 'dll', debug: false, stripped: true, timestamp: FIXED_EPOCH, flags: ['-s', '-O2', '-Wl,--kill-at'] },
  { name: 'lib-x64-g.dll', arch: 'x64', kind: 'dll', debug: true, stripped: false, timestamp: 'now', flags: ['-g'] },
];

/** The tools the builds need, by program name. */
export function listMingwTools(): string[] {
  return Object.values(TRIPLES).flatMap((t) => [`${t}-gcc`, `${t}-windres`, `${t}-dlltool`]);
}

/** null when every mingw-w64 tool is on PATH, else why the tests must skip. */
export function checkMingwTools(): string | null {
  const missing = listMingwTools().filter((tool) => spawnSync('which', [tool], { encoding: 'utf8' }).status !== 0);
  if (missing.length === 0) return null;
  return `mingw-w64 is absent (${missing.join(', ')} not on PATH); ` +
    'apt-get install gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 binutils-mingw-w64-x86-64 binutils-mingw-w64-i686';
}

function runTool(cwd: string, tool: string, args: string[], epoch: number | null): void {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C' };
  delete env['SOURCE_DATE_EPOCH'];
  if (epoch !== null) env['SOURCE_DATE_EPOCH'] = String(epoch);
  const r = spawnSync(tool, args, { cwd, env, encoding: 'utf8', timeout: MAX_TOOL_MS, maxBuffer: MAX_TOOL_OUTPUT });
  if (r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
    throw new Error(`${tool} ${args.join(' ')} failed (${why}):\n${r.stderr ?? ''}${r.stdout ?? ''}`);
  }
}

/** Writes the sources into `dir` and builds every fixture there; throws with the compiler's output when a build fails. */
export function buildMingwFixtures(dir: string): MingwBuild[] {
  writeFileSync(join(dir, 'app.c'), APP_C);
  writeFileSync(join(dir, 'app.rc'), APP_RC);
  writeFileSync(join(dir, 'lib.c'), LIB_C);
  writeFileSync(join(dir, 'lib.def'), LIB_DEF);
  writeFileSync(join(dir, 'lib.rc'), LIB_RC);
  for (const arch of ['x64', 'x86'] as const) {
    const t = TRIPLES[arch];
    writeFileSync(join(dir, `ws2ord-${arch}.def`), makeOrdinalDef(arch === 'x64'));
    runTool(dir, `${t}-dlltool`, ['-k', '-d', `ws2ord-${arch}.def`, '-l', `libws2ord-${arch}.a`], null);
    runTool(dir, `${t}-windres`, ['-O', 'coff', '-i', 'app.rc', '-o', `app-${arch}.res.o`], null);
    runTool(dir, `${t}-windres`, ['-O', 'coff', '-i', 'lib.rc', '-o', `lib-${arch}.res.o`], null);
  }
  return BUILDS.map((b) => {
    const inputs = b.kind === 'exe'
      ? ['app.c', `app-${b.arch}.res.o`, '-L.', `-lws2ord-${b.arch}`, '-ladvapi32']
      : ['-shared', 'lib.c', 'lib.def', `lib-${b.arch}.res.o`, '-lws2_32'];
    runTool(dir, `${TRIPLES[b.arch]}-gcc`, [...b.flags, '-o', b.name, ...inputs], typeof b.timestamp === 'number' ? b.timestamp : null);
    const { flags: _flags, ...build } = b;
    return { ...build, path: join(dir, b.name) };
  });
}
