/** Numbers, shares, sizes and times as the dashboard shows them. */
const NUMBER = new Intl.NumberFormat('en');

export const num = (n: number): string => NUMBER.format(n);
export const pct = (share: number): string => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;

export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** An ISO time as `2013-05-02 07:33:20Z` (UTC, as the case keeps it). */
export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

export const day = (iso: string | null | undefined): string => (iso ? iso.slice(0, 10) : '—');

export function utcOffset(h: number): string {
  const sign = h < 0 ? '−' : '+';
  const a = Math.abs(h);
  return `UTC${sign}${Math.floor(a)}${a % 1 ? `:${String(Math.round((a % 1) * 60)).padStart(2, '0')}` : ''}`;
}

/** The first and last day of an ISO week (`2013-W22`), a month (`2013-06`) or a day, as `since`/`until` dates. */
export function periodRange(period: string): { since: string; until: string } {
  const w = /^(\d{4})-W(\d{2})$/.exec(period);
  if (w) {
    // ISO week 1 holds 4 January; weeks start on Monday.
    const jan4 = Date.UTC(Number(w[1]), 0, 4);
    const monday = jan4 - (((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000) + (Number(w[2]) - 1) * 7 * 86_400_000;
    return { since: new Date(monday).toISOString().slice(0, 10), until: new Date(monday + 6 * 86_400_000).toISOString().slice(0, 10) };
  }
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) {
    const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).toISOString().slice(0, 10);
    return { since: `${period}-01`, until: last };
  }
  return { since: period, until: period };
}
