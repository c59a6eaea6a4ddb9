import { positionalParams, renderTemplate, SMS_TEMPLATES, validateTemplates } from './sms-templates';

describe('sms templates', () => {
  describe(validateTemplates.name, () => {
    it('should accept the shipped templates for the outbox provider', () => {
      expect(() => validateTemplates(SMS_TEMPLATES, 'outbox', {})).not.toThrow();
    });

    it('should fail when a placeholder has no declared parameter', () => {
      const bad = { X: { text: '取件码${code}，营业时间${hours}', params: ['code'], policy: SMS_TEMPLATES.PARCEL_ARRIVED.policy } };
      expect(() => validateTemplates(bad, 'outbox', {})).toThrow(/X: placeholder \$\{hours\}/);
    });

    it('should fail when a declared parameter is unused', () => {
      const bad = { Y: { text: '你好', params: ['name'], policy: SMS_TEMPLATES.REPLY_HELP.policy } };
      expect(() => validateTemplates(bad, 'outbox', {})).toThrow(/Y: parameter name/);
    });

    it('should fail for a real provider when a template has no template code', () => {
      expect(() => validateTemplates(SMS_TEMPLATES, 'aliyun', { LOGIN_CODE: 'SMS_1' })).toThrow(/CONSIGNMENT_RECEIVED: no template code/);
    });
  });

  describe(renderTemplate.name, () => {
    it('should fill every placeholder and refuse a missing parameter', () => {
      expect(renderTemplate(SMS_TEMPLATES.LOGIN_CODE, { code: '123456' })).toContain('123456');
      expect(() => renderTemplate(SMS_TEMPLATES.PARCEL_ARRIVED, { carrier: '中通', point: '花桥港村', code: '1-1-0001' })).toThrow(/hours/);
    });

    it('should give positional parameters in the declared order', () => {
      expect(positionalParams(SMS_TEMPLATES.PARCEL_ARRIVED, { hours: '8-18', code: '1-1', point: 'P', carrier: 'C' })).toEqual(['C', 'P', '1-1', '8-18']);
    });
  });
});
