import { RuleViolationError } from './domain-error';

/** 422 for one field of the request that a business rule refuses; the message names the field. */
export function fieldRuleViolation(code: string, field: string, messageZh: string, messageEn: string): RuleViolationError {
  return new RuleViolationError(code, `${field}: ${messageZh}`, `${field}: ${messageEn}`, [{ field, message: messageZh, messageEn }]);
}
