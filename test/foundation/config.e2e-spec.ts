import { Test } from '@nestjs/testing';
import { ConfigModule } from '@nestjs/config';
import { allConfigs } from '../../src/config';
import { readDatabaseConfig } from '../../src/config/database.config';

describe('Configuration validation (e2e)', () => {
  it('should name a malformed variable', () => {
    expect(() => readDatabaseConfig({ DB_PORT: 'not-a-port' })).toThrow(/DB_PORT/);
    expect(() => readDatabaseConfig({ DB_NAME: 'bad name;drop' })).toThrow(/DB_NAME/);
  });

  it('should refuse to boot without JWT_SECRET, naming it', async () => {
    const saved = process.env.JWT_SECRET;
    delete process.env.JWT_SECRET;
    try {
      await expect(Test.createTestingModule({ imports: [ConfigModule.forRoot({ load: allConfigs, ignoreEnvFile: true })] }).compile()).rejects.toThrow(/JWT_SECRET/);
    } finally {
      process.env.JWT_SECRET = saved;
    }
  });

  it('should refuse to boot with a malformed port, naming it', async () => {
    const saved = process.env.PORT;
    process.env.PORT = 'eighty';
    try {
      await expect(Test.createTestingModule({ imports: [ConfigModule.forRoot({ load: allConfigs, ignoreEnvFile: true })] }).compile()).rejects.toThrow(/PORT/);
    } finally {
      if (saved === undefined) delete process.env.PORT; else process.env.PORT = saved;
    }
  });
});
