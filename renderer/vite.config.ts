// Builds the renderer: one static bundle served by both hosts (Electron's app:// and the loopback
// web host), under a strict CSP: no inline scripts or styles, no external URLs, relative paths.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The module-preload polyfill would be fine, but nothing here needs it; keep the output minimal.
    modulePreload: { polyfill: false },
    // Never inline assets as data: URLs into CSS/JS beyond what img-src allows; fonts are system fonts.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    host: '127.0.0.1',
    strictPort: false,
    // ../shared is imported by the renderer: let the dev server read it.
    fs: { allow: [repoRoot] },
  },
});
