// Serves the API (npm run demo). A development JWT secret and field keys are used only when none is configured.
const { spawn } = require('child_process');
const path = require('path');

const env = { ...process.env };
if (!env.JWT_SECRET) {
  env.JWT_SECRET = 'demo-only-secret-change-me-0123456789abcdef';
  console.log('JWT_SECRET not set: using the demo-only secret (set it in .env for anything real).');
}
// Demo-only field keys (base64 of 32 bytes): anything encrypted with them is demo data only.
const DEMO_KEYS = {
  FIELD_ENCRYPTION_KEY: 'ZGVtby1vbmx5LWZpZWxkLWtleS1jaGFuZ2UtbWUtMDE=',
  BLIND_INDEX_KEY: 'ZGVtby1vbmx5LWJsaW5kLWluZGV4LWNoYW5nZS1tZTI=',
};
for (const [name, value] of Object.entries(DEMO_KEYS)) {
  if (!env[name]) {
    env[name] = value;
    console.log(`${name} not set: using a demo-only key (set it in .env for anything real).`);
  }
}
if (!env.SMS_WEBHOOK_SECRET) {
  env.SMS_WEBHOOK_SECRET = 'demo-only-sms-webhook-secret-change-me';
  console.log('SMS_WEBHOOK_SECRET not set: using a demo-only secret (set it in .env for anything real).');
}
const child = spawn(process.execPath, [path.join(__dirname, '..', 'dist', 'src', 'main.js')], { env, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
