import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { isLockConflict } from '../../database/transaction';
import { DomainError, ErrorDetail, TooManyRequestsError } from './domain-error';

type ErrorBody = {
  statusCode: number;
  code: string;
  message: string;
  messageEn: string;
  details: ErrorDetail[];
  requestId?: string;
};

const BY_STATUS: Record<number, [string, string, string]> = {
  400: ['BAD_REQUEST', '请求格式不正确', 'Malformed request'],
  401: ['UNAUTHORIZED', '未登录或登录已过期', 'Not authenticated or session expired'],
  403: ['FORBIDDEN', '无权执行此操作', 'Not allowed'],
  404: ['NOT_FOUND', '资源不存在', 'Not found'],
  405: ['METHOD_NOT_ALLOWED', '不支持的请求方法', 'Method not allowed'],
  413: ['PAYLOAD_TOO_LARGE', '请求内容过大', 'Request body too large'],
  415: ['UNSUPPORTED_MEDIA_TYPE', '不支持的内容类型', 'Unsupported media type'],
  429: ['TOO_MANY_REQUESTS', '请求过于频繁，请稍后再试', 'Too many requests, try again later'],
};

/** Turns every error into the one error body: { statusCode, code, message, messageEn, details, requestId }. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const body = this.toBody(exception);
    body.requestId = req?.id ? String(req.id) : undefined;
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, requestId: body.requestId }, 'unhandled error');
    }
    if (exception instanceof ThrottlerException) res.setHeader('Retry-After', '60');
    if (exception instanceof TooManyRequestsError) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(exception.retryAfterSeconds))));
    if (body.code === 'BUSY_TRY_AGAIN') res.setHeader('Retry-After', '1');
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return {
        statusCode: exception.status,
        code: exception.code,
        message: exception.messageZh,
        messageEn: exception.messageEn,
        details: exception.details,
      };
    }
    // Still a deadlock or lock wait after inTransaction's retries: nothing was written, and the same request
    // (clients resend with the same client id) will very likely go through a moment later.
    if (isLockConflict(exception)) {
      return { statusCode: 503, code: 'BUSY_TRY_AGAIN', message: '系统繁忙，请稍后重试（未保存任何内容）', messageEn: 'Busy: nothing was saved; try again in a moment', details: [] };
    }
    const status = this.statusOf(exception);
    if (status && status < 500) {
      const [code, zh, en] = BY_STATUS[status] ?? ['HTTP_ERROR', '请求失败', 'Request failed'];
      const detailEn = exception instanceof HttpException ? exception.message : undefined;
      return { statusCode: status, code, message: zh, messageEn: detailEn && status !== 404 ? detailEn : en, details: [] };
    }
    return { statusCode: 500, code: 'INTERNAL_ERROR', message: '服务器内部错误', messageEn: 'Internal server error', details: [] };
  }

  /** HttpExceptions and body-parser errors (413 too large, 400 bad JSON) carry their status. */
  private statusOf(exception: unknown): number | undefined {
    if (exception instanceof HttpException) return exception.getStatus();
    const s = (exception as { status?: unknown; statusCode?: unknown })?.status
      ?? (exception as { statusCode?: unknown })?.statusCode;
    return typeof s === 'number' && s >= 400 && s < 600 ? s : HttpStatus.INTERNAL_SERVER_ERROR;
  }
}
