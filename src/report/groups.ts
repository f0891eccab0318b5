/**
 * Long lists shown on the page in groups (victims by country, by sector;
 * samples by compile year): each group keeps its first rows up to a share of
 * a row budget, and counts the rest, so the page stays small whatever the
 * case holds and every group still has rows to link to.
 */

export interface Group<T> {
  key: string;
  /** Every item in the group. */
  total: number;
  /** The first items, in input order. */
  shown: T[];
}

/**
 * Groups items by key in one pass. Each group shows at most
 * max(minPerGroup, budget / groups) items; groups come in `order` first
 * (keys with no items are dropped), then the rest sorted by key.
 */
export function groupRows<T>(
  items: Iterable<T>,
  keyOf: (item: T) => string,
  opts: { budget: number; minPerGroup: number; order?: readonly string[] },
): Group<T>[] {
  const groups = new Map<string, T[]>();
  const totals = new Map<string, number>();
  for (const item of items) {
    const k = keyOf(item);
    totals.set(k, (totals.get(k) ?? 0) + 1);
  }
  const perGroup = Math.max(opts.minPerGroup, Math.floor(opts.budget / Math.max(1, totals.size)));
  for (const item of items) {
    const k = keyOf(item);
    let g = groups.get(k);
    if (g === undefined) groups.set(k, (g = []));
    if (g.length < perGroup) g.push(item);
  }
  const ordered: string[] = [];
  const seen = new Set<string>();
  for (const k of opts.order ?? []) if (totals.has(k) && !seen.has(k)) { ordered.push(k); seen.add(k); }
  ordered.push(...[...totals.keys()].filter((k) => !seen.has(k)).sort());
  return ordered.map((key) => ({ key, total: totals.get(key)!, shown: groups.get(key)! }));
}
