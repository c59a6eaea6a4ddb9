// Builds dist/ when it is missing or older than any file under src/ or migrations/, and the web app
// (dist-web/) when it is missing or older than any file under web/ or src/common/quantity.ts (which it imports).
const { execSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

const builtAt = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);

if (builtAt(path.join(root, 'dist', 'src', 'main.js')) < Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'migrations')))) {
  console.log('building the API…');
  execSync('npx nest build', { cwd: root, stdio: 'inherit' });
}
const webSources = Math.max(newest(path.join(root, 'web')), fs.statSync(path.join(root, 'src', 'common', 'quantity.ts')).mtimeMs);
if (builtAt(path.join(root, 'dist-web', 'index.html')) < webSources) {
  console.log('building the web app…');
  execSync('npm run build:web', { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}
