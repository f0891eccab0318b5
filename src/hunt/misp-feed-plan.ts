/**
 * A MISP feed directory is one source: its `manifest.json` names the events
 * to import (`<uuid>.json` beside it; those missing are reported), and its
 * `hashes.csv` (MISP's look-up index of attribute values) is left out. The
 * manifest is found by its name, as MISP finds it, and taken only when its
 * content is a manifest.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { diag, type Diagnostic } from '../core/diagnostic.js';
import { MAX_JSON_INTEL_BYTES } from '../core/limits.js';
import { isMispHashIndex, readMispManifest } from '../intel/index.js';
import type { FoundFile } from '../samples/index.js';
import { readFileHead } from './file-head.js';

/** Bytes of a hashes.csv looked at to tell it is the index. */
const INDEX_HEAD_BYTES = 64 * 1024;

export interface MispFeedPlan {
  /** The files to import: the walk's, without manifests and indexes, with the events a manifest lists that the walk did not give. */
  files: FoundFile[];
  /** MISP feed directories found. */
  feeds: number;
  /** Look-up indexes (hashes.csv) left out. */
  indexes: number;
}

/** Finds MISP feed directories among walked files and plans their import. */
export async function planMispFeeds(found: readonly FoundFile[], report: (d: Diagnostic) => void): Promise<MispFeedPlan> {
  const plan: MispFeedPlan = { files: [], feeds: 0, indexes: 0 };
  const manifests = new Map<string, { path: string; events: string[] }>();
  for (const f of found) {
    if (basename(f.path) !== 'manifest.json' || f.size > MAX_JSON_INTEL_BYTES) continue;
    let events: string[] | null;
    try {
      events = readMispManifest(readFileSync(f.path));
    } catch {
      continue; // unreadable: the import loop says so
    }
    if (events !== null) manifests.set(dirname(f.path), { path: f.path, events });
  }
  if (manifests.size === 0) return { ...plan, files: [...found] };
  plan.feeds = manifests.size;
  const given = new Set(found.map((f) => join(f.path)));
  for (const f of found) {
    const m = manifests.get(dirname(f.path));
    if (m !== undefined && f.path === m.path) continue;
    if (m !== undefined && basename(f.path) === 'hashes.csv') {
      let head: Buffer | null = null;
      try { head = await readFileHead(f.path, INDEX_HEAD_BYTES); } catch { head = null; }
      if (head !== null && isMispHashIndex(head)) { plan.indexes++; continue; }
    }
    plan.files.push(f);
  }
  for (const [dir, m] of manifests) {
    for (const uuid of m.events) {
      const p = join(dir, `${uuid}.json`);
      if (given.has(p)) continue;
      try {
        const st = statSync(p);
        if (st.isFile()) { plan.files.push({ path: p, size: st.size, mtimeMs: st.mtimeMs }); continue; }
      } catch {
        // missing: reported below
      }
      report(diag('unreadable', m.path, `event ${uuid} is listed in the manifest, but ${uuid}.json is not in the feed`));
    }
  }
  return plan;
}
