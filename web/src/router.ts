/**
 * Routes live in the URL's hash (`#/victims?campaign=NetTraveler&country=MN`):
 * every filtered view can be bookmarked, shared and reloaded, and needs no
 * server route. Hrefs are built here only, from a fixed view name and
 * URLSearchParams, so a value from the case can never make one that is not
 * `#/…`.
 */
import { useEffect, useState } from 'preact/hooks';

export const VIEWS = ['overview', 'victims', 'sightings', 'evidence', 'samples', 'indicators', 'search', 'upload', 'jobs'] as const;
export type View = (typeof VIEWS)[number];

export interface Route { view: View; params: URLSearchParams }

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#\/?/, '');
  const q = h.indexOf('?');
  const name = q < 0 ? h : h.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : h.slice(q + 1));
  const view = (VIEWS as readonly string[]).includes(name) ? name as View : 'overview';
  return { view, params };
}

/** The href of a view with its filters (empty and undefined values left out). */
export function href(view: View, params: Record<string, string | number | undefined | null> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return `#/${view}${qs ? `?${qs}` : ''}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
