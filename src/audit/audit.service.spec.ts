import { diffFields } from './audit.service';

describe('diffFields', () => {
  it('should list only changed fields', () => {
    expect(diffFields({ name: 'a', active: true }, { name: 'b', active: true })).toEqual([
      { field: 'name', before: 'a', after: 'b' },
    ]);
  });

  it('should mask sensitive values', () => {
    const changes = diffFields(null, { passwordHash: 'x', idNumberCipher: 'y', name: 'n' });
    expect(changes).toEqual([
      { field: 'passwordHash', before: null, after: '***' },
      { field: 'idNumberCipher', before: null, after: '***' },
      { field: 'name', before: null, after: 'n' },
    ]);
  });
});
