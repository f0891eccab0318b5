/** Calendar keys of UTC days (days since 1970-01-01): ISO date, ISO week, month. */

const DAY_MS = 86_400_000;

/** `2013-06-01` */
export function dayKey(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `2013-06` */
export function monthKey(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 7);
}

/** The ISO 8601 week (`2013-W22`): weeks start on Monday; week 1 holds the year's first Thursday. */
export function weekKey(day: number): string {
  // 1970-01-01 was a Thursday: weekday 0 = Monday.
  const weekday = (((day + 3) % 7) + 7) % 7;
  const thursday = day - weekday + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const jan1 = Math.floor(Date.UTC(year, 0, 1) / DAY_MS);
  const week = Math.floor((thursday - jan1) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
