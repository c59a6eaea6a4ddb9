import { ValidationPipe } from '@nestjs/common';
import { RequestValidationError } from './errors/request-validation.error';

/** Mainland mobile numbers. */
export const MOBILE_PHONE = /^1[3-9]\d{9}$/;

/** Masks a mobile number for people other than its owner or their agent: 138****1234. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/** The one global pipe; e2e tests install it through configureApp() too. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(errors),
  });
}
