import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The staff page, built into dist/web and served by the API process (apps/api). Everything is
 * bundled: no CDN, system fonts only (the CSS names the Chinese fonts Windows, macOS and
 * Debian ship). `npm run dev:web` serves it with the API proxied from HUB_API (default :3000).
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2_000,
  },
  server: {
    proxy: { '/v1': process.env.HUB_API ?? 'http://127.0.0.1:3000' },
  },
});
