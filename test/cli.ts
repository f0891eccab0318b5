/** Runs the `sightline` CLI from source for end-to-end tests. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../src/core/test-data.js';
import { freshCase, type CaseBackend } from '../src/store/testing/case-backends.js';

export { caseBackends, type CaseBackend } from '../src/store/testing/case-backends.js';

export const ROOT = repoRoot();
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

export interface CliResult { status: number | null; stdout: string; stderr: string }

/** Runs `sightline ARGS…` (from the repository root) to completion. */
export function sightline(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...opts.env }, maxBuffer: 256 << 20,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `sightline ARGS…` without waiting. */
export function startSightline(args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A fresh temporary folder with a case path inside; `done()` removes it. */
export function tempCase(): { dir: string; db: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-e2e-'));
  return { dir, db: join(dir, 'case.db'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh temporary folder and a new case on `backend` (a file in the folder, or a database of its own); `done()` removes both. */
export async function tempCaseOn(backend: CaseBackend): Promise<{ dir: string; db: string; done(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-e2e-'));
  const c = await freshCase(backend, dir);
  return { dir, db: c.location, done: async () => { await c.done(); rmSync(dir, { recursive: true, force: true }); } };
}

export function jsonLines(s: string): unknown[] {
  return s.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
}
