/**
 * Expands the paths given on a command line into files, in a stable order:
 * a file as given, a directory recursively (sorted, symlinked directories
 * followed once: a loop is reported, not followed).
 */
import { opendir, stat, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { diag, type Diagnostic } from '../core/diagnostic.js';

export interface InputFile {
  /** The path as given or joined from the given directory (relative stays relative). */
  path: string;
  size: number;
  mtimeMs: number;
}

/** Yields regular files under `paths`; reports what cannot be read and goes on. */
export async function* expandInputs(
  paths: readonly string[],
  onDiagnostic: (d: Diagnostic) => void,
): AsyncGenerator<InputFile> {
  const seenDirs = new Set<string>();
  async function* visit(p: string, top: boolean): AsyncGenerator<InputFile> {
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      onDiagnostic(diag('unreadable', p, top ? `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` : 'dangling link or vanished file'));
      return;
    }
    if (st.isDirectory()) {
      let real: string;
      try { real = await realpath(p); } catch { real = p; }
      if (seenDirs.has(real)) {
        onDiagnostic(diag('skipped', p, 'directory already visited (symlink loop?); not followed again'));
        return;
      }
      seenDirs.add(real);
      const names: string[] = [];
      try {
        const dir = await opendir(p);
        for await (const ent of dir) names.push(ent.name);
      } catch (e) {
        onDiagnostic(diag('unreadable', p, `cannot list directory: ${(e as NodeJS.ErrnoException).code ?? String(e)}`));
        return;
      }
      names.sort();
      for (const n of names) yield* visit(join(p, n), false);
      return;
    }
    if (!st.isFile()) {
      onDiagnostic(diag('skipped', p, 'not a regular file (device, FIFO or socket); not read'));
      return;
    }
    yield { path: p, size: st.size, mtimeMs: st.mtimeMs };
  }
  for (const p of paths) yield* visit(p, true);
}
