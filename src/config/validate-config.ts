import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/**
 * Validates one config namespace's environment variables against a class-validator class.
 * Boot must stop on a missing or malformed variable, and the message must name it so the
 * operator knows what to fix.
 */
export function validateConfig<T extends object>(
  env: Record<string, string | undefined>,
  envClass: new () => T,
): T {
  const validated = plainToInstance(envClass, env, { enableImplicitConversion: true });
  const errors = validateSync(validated, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map(
      (e) => `${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new Error(`Invalid configuration (配置错误): ${lines.join(' | ')}`);
  }
  return validated;
}
