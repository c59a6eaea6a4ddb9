import { compareIds, placeholders } from '../ledger/ledger.service';
import { insertedIds } from './inserted-ids';

describe('insertedIds', () => {
  it('numbers the rows of one multi-row INSERT from its insert id, in VALUES order', () => {
    expect(insertedIds({ insertId: 41, affectedRows: 3 }, 3)).toEqual([41, 42, 43]);
    expect(insertedIds({ insertId: '9007199254740', affectedRows: 2 }, 2)).toEqual([9007199254740, 9007199254741]);
  });

  it('refuses a result that did not write exactly the rows sent, or has no insert id', () => {
    expect(() => insertedIds({ insertId: 41, affectedRows: 2 }, 3)).toThrow('expected 3');
    expect(() => insertedIds({ insertId: 0, affectedRows: 1 }, 1)).toThrow('no insert id');
  });
});

describe('compareIds', () => {
  it('orders numeric id strings numerically, like BigInt comparison', () => {
    const ids = ['10', '9', '100', '11', '2', '9007199254740993', '9007199254740992'];
    expect([...ids].sort(compareIds)).toEqual([...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0)));
  });
});

describe('placeholders', () => {
  it('gives one (?, …) group per row', () => {
    expect(placeholders(2, 3)).toBe('(?, ?, ?), (?, ?, ?)');
  });
});
