// The dashboard (web/): Preact + TypeScript, bundled by Vite into dist/web at
// `npm run build`; `sightline serve` serves those files. Everything it needs
// is bundled: no font, script or map is fetched from anywhere else.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'web',
  base: '/',
  // TSX through Vite's own transform (Oxc), with Preact's JSX runtime: no plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/web',
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
