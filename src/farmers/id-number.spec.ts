import { idCheckDigit, isValidIdNumber } from './id-number';

describe('id-number', () => {
  it('should accept a number with the right check digit, X included', () => {
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('11010519491231002x')).toBe(true);
    const first17 = '43092219800101123';
    expect(isValidIdNumber(first17 + idCheckDigit(first17))).toBe(true);
  });

  it('should refuse a wrong check digit, wrong length or impossible date', () => {
    expect(isValidIdNumber('110105194912310021')).toBe(false);
    expect(isValidIdNumber('11010519491231002')).toBe(false);
    const feb30 = '43092219800230123';
    expect(isValidIdNumber(feb30 + idCheckDigit(feb30))).toBe(false);
  });
});
