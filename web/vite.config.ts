import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the API process at `/`; in development `npm --prefix web run dev` proxies the API.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2500, sourcemap: false },
  server: {
    proxy: { '/api': 'http://localhost:3000', '/health': 'http://localhost:3000' },
  },
});
