import { ValidationError } from 'class-validator';
import { DomainError } from './domain-error';
import { flattenValidationErrors } from './validation-messages';

/** 400 raised by the global ValidationPipe; details are keyed by field path. */
export class RequestValidationError extends DomainError {
  constructor(errors: ValidationError[]) {
    const details = flattenValidationErrors(errors);
    const fields = [...new Set(details.map((d) => d.field))].join(', ');
    super('VALIDATION_FAILED', 400, `请求参数有误：${fields}`, `Invalid request fields: ${fields}`, details);
  }
}
