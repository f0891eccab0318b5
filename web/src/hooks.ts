/** Loading data for a view: one hook, the request's state, re-run when its key changes. */
import { useEffect, useState } from 'preact/hooks';

export type Loaded<T> = { state: 'loading' } | { state: 'error'; error: Error } | { state: 'done'; data: T };

export function useLoad<T>(key: string, load: () => Promise<T>): Loaded<T> {
  const [s, set] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    set({ state: 'loading' });
    load().then((data) => { if (live) set({ state: 'done', data }); }, (error: unknown) => {
      if (live) set({ state: 'error', error: error instanceof Error ? error : new Error(String(error)) });
    });
    return () => { live = false; };
  }, [key]);
  return s;
}
