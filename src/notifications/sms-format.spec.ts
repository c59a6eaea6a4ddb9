import { PayoutMethod } from '../farmers/farmer.entity';
import { payoutAccountText, shanghaiMonthDayTime } from './sms-format';

describe('sms-format', () => {
  describe(shanghaiMonthDayTime.name, () => {
    it('should show the Asia/Shanghai date and minute', () => {
      expect(shanghaiMonthDayTime(new Date('2026-11-30T16:05:59Z'))).toBe('12月1日00:05');
    });
  });

  describe(payoutAccountText.name, () => {
    it('should name the new account masked to its last 4', () => {
      expect(payoutAccountText({ method: PayoutMethod.BANK_CARD, bankName: '桃江农商银行', accountLast4: '0123' })).toBe('桃江农商银行卡（尾号0123）');
      expect(payoutAccountText({ method: PayoutMethod.BANK_CARD, bankName: '农行', accountLast4: '0123' })).toBe('农行银行卡（尾号0123）');
      expect(payoutAccountText({ method: PayoutMethod.ALIPAY, bankName: null, accountLast4: '5555' })).toBe('支付宝（尾号5555）');
      expect(payoutAccountText({ method: PayoutMethod.WECHAT_PAY, bankName: null, accountLast4: null })).toBe('微信');
      expect(payoutAccountText({ method: PayoutMethod.CASH, bankName: null, accountLast4: null })).toBe('现金（到服务点领取）');
    });
  });
});
