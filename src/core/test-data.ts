/**
 * Locates the real public test data in `../shared/data` (beside the
 * checkout). A user's fresh clone has none: tests that need it skip, saying why.
 * Used by tests only.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The repository's root folder. */
export function repoRoot(): string {
  return REPO_ROOT;
}

/** `../shared/data` (or `$SIGHTLINE_SHARED_DATA`), or null when absent. */
export function sharedDataDir(): string | null {
  const dir = process.env['SIGHTLINE_SHARED_DATA'] ?? join(REPO_ROOT, '..', 'shared', 'data');
  return existsSync(dir) ? dir : null;
}

/** A path under the shared data, or null when it (or the whole folder) is absent. */
export function sharedData(...parts: string[]): string | null {
  const dir = sharedDataDir();
  if (!dir) return null;
  const p = join(dir, ...parts);
  return existsSync(p) ? p : null;
}

/** For `test(name, { skip: skipUnlessShared('pcap') }, …)`: false when present, else the reason to skip. */
export function skipUnlessShared(...parts: string[]): string | false {
  return sharedData(...parts) ? false : `../shared/data/${parts.join('/')} is absent (a fresh clone has no ../shared); this test needs that real data`;
}
