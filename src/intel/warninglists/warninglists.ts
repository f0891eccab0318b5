/**
 * MISP warninglists (CC0, MISP/misp-warninglists): lists of values that are
 * probably not malicious on their own. This module only reads a list.json
 * into plain data (core/warninglist.ts); checking values against the lists
 * is src/matching/warninglist-index.ts, through matching's own index.
 */
import type { Warninglist, WarninglistType } from '../../core/warninglist.js';

/** Most entries read from one list (the largest shipped list, tranco10k, has 10,000). */
export const MAX_WARNINGLIST_ENTRIES = 5_000_000;

const LIST_TYPES: ReadonlySet<string> = new Set<WarninglistType>(['hostname', 'string', 'cidr', 'substring', 'regex']);

/**
 * A parsed list.json object as a Warninglist, or null when it is none (no
 * name, an unknown type, no list). It is named `name` when one is given (the
 * shipped lists are named by their folder), else by its own `name`.
 * Entries that are not strings are dropped; entries past
 * MAX_WARNINGLIST_ENTRIES are not read.
 */
export function readWarninglist(json: unknown, name?: string): Warninglist | null {
  if (typeof json !== 'object' || json === null) return null;
  const o = json as Record<string, unknown>;
  const listName = name ?? o['name'];
  const type = o['type'];
  const entries = o['list'];
  if (typeof listName !== 'string' || listName === '' || typeof type !== 'string' || !LIST_TYPES.has(type) || !Array.isArray(entries)) return null;
  const list: string[] = [];
  const n = Math.min(entries.length, MAX_WARNINGLIST_ENTRIES);
  for (let i = 0; i < n; i++) {
    const e: unknown = entries[i];
    if (typeof e === 'string') list.push(e);
  }
  return { name: listName, type: type as WarninglistType, list };
}
