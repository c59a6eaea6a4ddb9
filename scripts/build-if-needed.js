// Builds dist/ when it is missing or older than any file under src/ or migrations/.
const { execSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const marker = path.join(root, 'dist', 'src', 'main.js');

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

const built = fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : 0;
const sources = Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'migrations')));
if (built < sources) {
  console.log('building…');
  execSync('npx nest build', { cwd: root, stdio: 'inherit' });
}
