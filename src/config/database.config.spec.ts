import { readDatabaseConfig } from './database.config';
import { buildDataSourceOptions } from '../database/data-source-options';

describe('database config: read replicas', () => {
  it('should have no replication unless DB_REPLICA_HOSTS is set', () => {
    const db = readDatabaseConfig({});
    expect(db.replicas).toEqual([]);
    expect('replication' in buildDataSourceOptions(db)).toBe(false);
    expect(readDatabaseConfig({ DB_REPLICA_HOSTS: '  ' }).replicas).toEqual([]);
  });

  it('should parse host[:port] lists, defaulting port and credentials to the primary', () => {
    const db = readDatabaseConfig({ DB_PORT: '3307', DB_USER: 'app', DB_PASSWORD: 'pw', DB_REPLICA_HOSTS: 'db-r1.internal, 10.0.0.12:3310' });
    expect(db.replicas).toEqual([{ host: 'db-r1.internal', port: 3307 }, { host: '10.0.0.12', port: 3310 }]);
    const options = buildDataSourceOptions(db) as unknown as { replication: { master: { host: string }; slaves: Array<{ host: string; port: number; username: string; password: string }>; defaultMode: string } };
    expect(options.replication.defaultMode).toBe('master');
    expect(options.replication.master.host).toBe('127.0.0.1');
    expect(options.replication.slaves).toEqual([
      expect.objectContaining({ host: 'db-r1.internal', port: 3307, username: 'app', password: 'pw' }),
      expect.objectContaining({ host: '10.0.0.12', port: 3310, username: 'app', password: 'pw' }),
    ]);
    expect(readDatabaseConfig({ DB_REPLICA_HOSTS: 'r1', DB_REPLICA_USER: 'reader', DB_REPLICA_PASSWORD: 'x' })).toEqual(expect.objectContaining({ replicaUser: 'reader', replicaPassword: 'x' }));
  });

  it('should refuse a malformed list, naming the variable', () => {
    expect(() => readDatabaseConfig({ DB_REPLICA_HOSTS: 'r1;drop' })).toThrow(/DB_REPLICA_HOSTS/);
    expect(() => readDatabaseConfig({ DB_REPLICA_HOSTS: 'r1:99999' })).toThrow(/DB_REPLICA_HOSTS/);
    expect(() => readDatabaseConfig({ DB_REPLICA_HOSTS: 'r1,,r2' })).toThrow(/DB_REPLICA_HOSTS/);
  });
});
