import { execSync } from 'child_process';
import fs from 'fs';
import path from 'path';

const root = path.join(__dirname, '..', '..');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

/**
 * Builds the web app (dist-web/) when it is missing or older than web/ (or src/common/quantity.ts), once per test run (jest's
 * global setup), so the browser tests always drive the current sources and parallel test files
 * never build into the same folder at the same time.
 */
export function ensureWebAppBuilt(): void {
  const index = path.join(root, 'dist-web', 'index.html');
  const builtAt = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  // The web app also imports the API's exact quantity conversion.
  const sources = Math.max(newest(path.join(root, 'web')), fs.statSync(path.join(root, 'src', 'common', 'quantity.ts')).mtimeMs);
  if (builtAt >= sources) return;
  // Jest sets NODE_ENV=test, which Vite would honour and ship Vue's development build.
  execSync('npx vite build --config web/vite.config.mts --logLevel warn', { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}
