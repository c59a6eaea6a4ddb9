import { Controller, Headers, HttpCode, Logger, NotFoundException, Param, Post, Query, Req } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';
import { performance } from 'perf_hooks';
import { Public } from '../common/access/decorators';
import { UnauthorizedError } from '../common/errors/domain-error';
import { SmsConfig, SmsProviderName } from '../config';
import { SMS_PROVIDERS } from '../config/sms.config';
import { callbackAck, parseInbound, parseReceipts, SIGNATURE_HEADER, verifyCallback } from '../notifications/sms-callbacks';
import { SmsService } from '../notifications/sms.service';
import { SmsCommandsService } from './sms-commands.service';

/**
 * Provider callbacks: incoming SMS (farmer commands) and delivery receipts. Public routes, each
 * request verified (see sms-callbacks.ts): HMAC header for `outbox`, URL token for aliyun/tencent.
 * An unsigned or badly signed request is 401 and logged.
 */
@ApiExcludeController()
@Public()
@Controller('sms')
export class SmsWebhooksController {
  private readonly logger = new Logger(SmsWebhooksController.name);

  constructor(private readonly config: ConfigService, private readonly commands: SmsCommandsService, private readonly sms: SmsService) {}

  @Post('inbound/:provider')
  @HttpCode(200)
  async inbound(@Param('provider') provider: string, @Req() req: RawBodyRequest<Request>, @Headers(SIGNATURE_HEADER) signature?: string, @Query('token') token?: string) {
    const startedAt = performance.now();
    const p = this.verified(provider, req, signature, token, 'inbound');
    const results = [];
    for (const msg of parseInbound(p, req.body)) results.push(await this.commands.handle(p, msg, startedAt));
    return callbackAck(p, { replies: results.length, latencyMs: results.length ? Math.max(...results.map((r) => r.latencyMs)) : 0 });
  }

  @Post('receipts/:provider')
  @HttpCode(200)
  async receipts(@Param('provider') provider: string, @Req() req: RawBodyRequest<Request>, @Headers(SIGNATURE_HEADER) signature?: string, @Query('token') token?: string) {
    const p = this.verified(provider, req, signature, token, 'receipts');
    const changed = await this.sms.recordReceipts(p, parseReceipts(p, req.body));
    return callbackAck(p, { changed });
  }

  private verified(provider: string, req: RawBodyRequest<Request>, signature: string | undefined, token: string | undefined, route: string): SmsProviderName {
    if (!(SMS_PROVIDERS as readonly string[]).includes(provider)) throw new NotFoundException();
    const p = provider as SmsProviderName;
    if (!verifyCallback(p, this.config.getOrThrow<SmsConfig>('sms').webhookSecret, { rawBody: req.rawBody, signature, token })) {
      this.logger.warn({ provider: p, route, ip: req.ip, signed: !!(signature || token) }, 'sms webhook refused: missing or bad signature');
      throw new UnauthorizedError('SMS_WEBHOOK_SIGNATURE_INVALID', '回调签名无效', 'Missing or bad webhook signature');
    }
    return p;
  }
}
