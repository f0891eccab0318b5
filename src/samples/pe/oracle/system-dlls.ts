/**
 * Finds real PE DLLs that Debian packages install, for the oracle test to read:
 * the mingw-w64 runtime DLLs (installed with the cross compilers) and, where
 * wine64 is installed, Wine's PE builtins. Test support only.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Where Debian's wine64 puts its PE DLLs. */
export const WINE_DLL_DIR = '/usr/lib/x86_64-linux-gnu/wine/x86_64-windows';
/** Most Wine DLLs compared in one run. */
export const MAX_WINE_DLLS = 40;
/** Larger DLLs (libstdc++, libgfortran: 10-24 MB) take pefile seconds each; they are left out… */
export const MAX_RUNTIME_DLL_BYTES = 4 << 20;
/** …except libgnat, kept for its 14242 exports: past pefile's 8192-name cap, the rest are listed by ordinal only. */
const LARGE_RUNTIME_DLLS = new Set(['libgnat']);
/** Where the mingw-w64 runtime DLLs are: libwinpthread, and GCC's for the -win32 thread model (Debian's default). */
const TRIPLES = ['x86_64-w64-mingw32', 'i686-w64-mingw32'];

function listDlls(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.dll')).sort().map((n) => join(dir, n))
    .filter((p) => statSync(p).isFile());
}

function listRuntimeDirs(): string[] {
  const dirs: string[] = [];
  for (const t of TRIPLES) {
    dirs.push(`/usr/${t}/lib`);
    const gcc = `/usr/lib/gcc/${t}`;
    if (!existsSync(gcc)) continue;
    for (const v of readdirSync(gcc).filter((n) => n.endsWith('-win32')).sort()) dirs.push(join(gcc, v), join(gcc, v, 'adalib'));
  }
  return dirs;
}

/** The mingw-w64 runtime DLLs present (the large ones left out but libgnat), sorted by folder and name. */
export function findRuntimeDlls(): string[] {
  return listRuntimeDirs().flatMap(listDlls).filter((p) =>
    statSync(p).size <= MAX_RUNTIME_DLL_BYTES || LARGE_RUNTIME_DLLS.has(basename(p).replace(/-\d+\.dll$/i, '')));
}

/** Up to `max` of Wine's PE DLLs in `dir` (at most MAX_RUNTIME_DLL_BYTES each), spread evenly over the sorted list (the same every run). */
export function findWineDlls(dir: string = WINE_DLL_DIR, max: number = MAX_WINE_DLLS): string[] {
  const all = listDlls(dir).filter((p) => statSync(p).size <= MAX_RUNTIME_DLL_BYTES);
  if (all.length <= max) return all;
  return Array.from({ length: max }, (_, i) => all[Math.floor((i * all.length) / max)]!);
}
