/**
 * Numbers as the report writes them. Locale-free, so the same input gives
 * the same bytes on every machine.
 */

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  const s = String(Math.trunc(Math.abs(n)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

/** 0.32 → "32%"; a share above 0 that rounds to 0 is "<1%". */
export function formatShare(share: number): string {
  const p = Math.round(share * 100);
  return p === 0 && share > 0 ? '<1%' : `${p}%`;
}

/** A signed difference: "+12", "-3", "0". */
export function formatDifference(n: number): string {
  return n > 0 ? `+${formatCount(n)}` : formatCount(n);
}

/** A difference of shares in percentage points: "+3 pp". */
export function formatPointsDifference(a: number, b: number): string {
  const pp = Math.round((a - b) * 100);
  return `${pp > 0 ? '+' : ''}${pp} pp`;
}

/** Hours east of UTC as "UTC+8", "UTC+5:30", "UTC-3:30", "UTC+0". */
export function formatUtcOffset(hours: number): string {
  const sign = hours < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(hours) * 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `UTC${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

/** A score or share to two decimals: 0.934 → "0.93". */
export function formatScore(x: number): string {
  return x.toFixed(2);
}

/** "A", "A and B", "A, B and C". */
export function joinAnd(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** An ISO time shown to the second in UTC: "2013-05-02 03:04:05Z"; null as an em dash. */
export function formatTime(iso: string | null): string {
  if (iso === null) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}Z` : iso;
}
