import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['source'] },
  server: { port: 3000, strictPort: true },
  build: { outDir: 'dist', sourcemap: true, target: 'es2022', manifest: true },
});
