/** Case locations: a SQLite file path, or a PostgreSQL URL (shown without its password). */

/** Whether a case location names a PostgreSQL database rather than a SQLite file. */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A case location as it may be shown or logged: a URL's password left out. */
export function shownLocation(location: string): string {
  if (!isPostgresLocation(location)) return location;
  try {
    const u = new URL(location);
    if (u.password !== '') u.password = '';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
