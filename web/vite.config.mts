import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes sw.js from web/service-worker.js with the built files to keep offline (everything but the
 * manager's charts) and a version from their names, so a new build installs a new worker.
 */
function serviceWorker(): Plugin {
  return {
    name: 'vc-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => f.startsWith('assets/') && !/^assets\/(Dashboard|echarts)-/.test(f)).sort().map((f) => `/app/${f}`);
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
      const template = readFileSync(fileURLToPath(new URL('./service-worker.js', import.meta.url)), 'utf8');
      this.emitFile({
        type: 'asset', fileName: 'sw.js',
        source: template.replace('__VERSION__', version).replace('__PRECACHE__', JSON.stringify(files)),
      });
    },
  };
}

// Built into ../dist-web and served by the Nest app under /app (src/web-app/serve-web-app.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  plugins: [vue(), serviceWorker()],
  build: {
    outDir: fileURLToPath(new URL('../dist-web', import.meta.url)),
    emptyOutDir: true,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `npx vite --config web/vite.config.mts` during development, with the API on :3000.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
