/**
 * The dashboard's files (dist/web, built by vite): read into memory once,
 * when the app is made, and served from that map only — no path from a
 * request ever reaches the file system. Vite names every asset after its
 * content, so assets may be cached for good; index.html is revalidated.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

/** Files and bytes read from the dashboard's folder at most. */
const MAX_FILES = 500;
const MAX_BYTES = 64 * 1024 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  body: Uint8Array;
  type: string;
  cacheControl: string;
}

/** URL path → file, for every file under `dir` of a known type; empty when `dir` does not exist. */
export function loadStaticFiles(dir: string): Map<string, StaticFile> {
  const out = new Map<string, StaticFile>();
  let bytes = 0;
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) { walk(p); continue; }
      const type = TYPES[extname(name).toLowerCase()];
      if (!st.isFile() || type === undefined) continue;
      if (out.size >= MAX_FILES || (bytes += st.size) > MAX_BYTES) throw new Error(`${dir}: more than ${MAX_FILES} files or ${MAX_BYTES} bytes`);
      const path = '/' + relative(dir, p).split(sep).join('/');
      const immutable = path.startsWith('/assets/');
      out.set(path, { body: readFileSync(p), type, cacheControl: immutable ? 'public, max-age=31536000, immutable' : 'no-cache' });
    }
  };
  try {
    if (!statSync(dir).isDirectory()) return out;
  } catch {
    return out;
  }
  walk(dir);
  const index = out.get('/index.html');
  if (index) out.set('/', index);
  return out;
}
