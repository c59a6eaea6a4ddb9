export type ErrorDetail = { field: string; message: string; messageEn: string };

/**
 * A rule of the domain was broken. Carries a stable UPPER_SNAKE code, a Chinese message for
 * users and an English one for operators. The global filter maps it to its HTTP status.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly messageZh: string,
    readonly messageEn: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(messageEn);
    this.name = new.target.name;
  }
}

/** 404. Also used for records outside the caller's scope, so ids cannot be probed. */
export class NotFoundError extends DomainError {
  constructor(entityZh: string, entityEn: string, code = 'NOT_FOUND') {
    super(code, 404, `${entityZh}不存在`, `${entityEn} not found`);
  }
}

/** 409: the request conflicts with the current state (duplicate, wrong state, concurrent change). */
export class ConflictError extends DomainError {
  constructor(code: string, messageZh: string, messageEn: string, details: ErrorDetail[] = []) {
    super(code, 409, messageZh, messageEn, details);
  }
}

/** 422: well-formed input that a business rule refuses. */
export class RuleViolationError extends DomainError {
  constructor(code: string, messageZh: string, messageEn: string, details: ErrorDetail[] = []) {
    super(code, 422, messageZh, messageEn, details);
  }
}

/** 400 for a single field found invalid beyond what the DTO can check (e.g. an ID check digit). */
export class InvalidFieldError extends DomainError {
  constructor(field: string, messageZh: string, messageEn: string, code = 'VALIDATION_FAILED') {
    super(code, 400, `${field}: ${messageZh}`, `${field}: ${messageEn}`, [{ field, message: messageZh, messageEn }]);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(code = 'UNAUTHORIZED', messageZh = '未登录或登录已过期', messageEn = 'Not authenticated or session expired') {
    super(code, 401, messageZh, messageEn);
  }
}

export class ForbiddenError extends DomainError {
  constructor(code = 'FORBIDDEN', messageZh = '无权执行此操作', messageEn = 'Not allowed') {
    super(code, 403, messageZh, messageEn);
  }
}

/** 429 with the seconds after which a retry may succeed (sent as Retry-After). */
export class TooManyRequestsError extends DomainError {
  constructor(readonly retryAfterSeconds: number, code = 'TOO_MANY_REQUESTS', messageZh = '请求过于频繁，请稍后再试', messageEn = 'Too many requests, try again later') {
    super(code, 429, messageZh, messageEn);
  }
}
