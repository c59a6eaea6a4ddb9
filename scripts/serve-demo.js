// Serves the API (npm run demo). A development JWT secret is used only when none is configured.
const { spawn } = require('child_process');
const path = require('path');

const env = { ...process.env };
if (!env.JWT_SECRET) {
  env.JWT_SECRET = 'demo-only-secret-change-me-0123456789abcdef';
  console.log('JWT_SECRET not set: using the demo-only secret (set it in .env for anything real).');
}
const child = spawn(process.execPath, [path.join(__dirname, '..', 'dist', 'src', 'main.js')], { env, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
