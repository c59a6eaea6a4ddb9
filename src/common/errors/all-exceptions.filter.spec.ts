import { ArgumentsHost } from '@nestjs/common';
import { AllExceptionsFilter } from './all-exceptions.filter';

/** The filter's answer to an error, through a minimal HTTP host (pure logic: no server). */
function answer(exception: unknown) {
  const sent: { status?: number; headers: Record<string, string>; body?: Record<string, unknown> } = { headers: {} };
  const res = {
    setHeader: (k: string, v: string) => { sent.headers[k] = v; },
    status: (s: number) => { sent.status = s; return res; },
    json: (b: Record<string, unknown>) => { sent.body = b; },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ id: 'req-1' }) }) } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return sent;
}

describe('AllExceptionsFilter', () => {
  it.each(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT'])('should answer a lock conflict left after the retries (%s) with 503, Retry-After and a Chinese message', (code) => {
    const sent = answer(Object.assign(new Error('Deadlock found'), { driverError: { code } }));
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toBe('1');
    expect(sent.body).toEqual(expect.objectContaining({ statusCode: 503, code: 'BUSY_TRY_AGAIN', message: expect.stringContaining('请稍后重试'), requestId: 'req-1' }));
  });

  it('should still answer other database errors with 500', () => {
    const sent = answer(Object.assign(new Error('syntax'), { driverError: { code: 'ER_PARSE_ERROR' } }));
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual(expect.objectContaining({ code: 'INTERNAL_ERROR' }));
  });
});
