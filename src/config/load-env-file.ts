import { existsSync } from 'fs';
import { join } from 'path';

/** CLI scripts read `.env` like the app does (ConfigModule); variables already set win. */
export function loadEnvFile(): void {
  const file = join(process.cwd(), '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}
