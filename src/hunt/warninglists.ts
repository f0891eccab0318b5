/** The MISP warninglists shipped with the package, loaded and indexed (by `intel import` and its reading thread). */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWarninglist } from '../intel/index.js';
import { WarninglistIndex } from '../matching/index.js';
import type { Warninglist } from '../core/warninglist.js';

/** The folder of MISP warninglists shipped with the package (`data/warninglists`). */
export function defaultWarninglistDir(): string {
  // src/hunt/ and dist/hunt/ both sit two levels below the package root.
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'warninglists');
}

/** Loads every `<name>/list.json` under a folder of MISP warninglists and indexes them (matching/warninglist-index.ts). */
export function loadWarninglists(dir: string = defaultWarninglistDir()): WarninglistIndex {
  const lists: Warninglist[] = [];
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name, 'list.json');
      if (!existsSync(p)) continue;
      try {
        // Named by its folder (public-dns-v4), the name analysts know it by.
        const l = readWarninglist(JSON.parse(readFileSync(p, 'utf8')) as unknown, name);
        if (l !== null) lists.push(l);
      } catch {
        // a broken shipped list is a packaging bug; the others still apply
      }
    }
  }
  return WarninglistIndex.build(lists);
}
