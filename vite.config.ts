// The dashboard (web/): Preact + TypeScript, bundled by Vite into dist/web at
// `npm run build`; `sightline serve` serves those files. Everything it needs
// is bundled: no font, script or map is fetched from anywhere else.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  // Absolute, so a build started from another folder (the browser test) finds the sources.
  root: fileURLToPath(new URL('web', import.meta.url)),
  base: '/',
  // TSX through Vite's own transform (Oxc), with Preact's JSX runtime: no plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline script or style anywhere: the server's Content-Security-Policy allows 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1' },
});
