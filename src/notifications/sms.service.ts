import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Queue } from 'bull';
import { DataSource, In } from 'typeorm';
import { maskPhone } from '../common/validation';
import { SmsConfig } from '../config';
import { QUEUES, SmsJobPayload, smsJobId } from '../queues/queue-names';
import { sendableAt } from './quiet-hours';
import { SENDABLE_STATUSES, SmsMessageEntity, SmsRecipientRole, SmsStatus } from './sms-message.entity';
import { SMS_CLOCK, SMS_PROVIDER, SmsClock, SmsProvider } from './sms-provider';
import { SmsRateLimiter } from './sms-rate-limiter';
import { renderTemplate, SMS_TEMPLATES, SmsParams, SmsTemplateKey } from './sms-templates';

/** Requests per multi-row INSERT (each has one to two recipients). */
const REQUESTS_PER_CHUNK = 500;
const messageKey = (sourceKey: string, phone: string, template: string) => `${sourceKey}\u0000${phone}\u0000${template}`;

export type SmsRecipient = { phone: string; role: SmsRecipientRole };

export type SmsRequest = {
  /** Idempotency: one message per (sourceKey, phone, template). Use `outbox:<event id>` for events. */
  sourceKey: string;
  template: SmsTemplateKey;
  params: SmsParams;
  recipients: SmsRecipient[];
  companyId?: string | null;
  farmerId?: string | null;
  /** Set when the message must not go (no consent, parcel collected…): recorded as SKIPPED with this reason. */
  skipReason?: string | null;
};

/**
 * The SMS port of the application: records each message once, decides when it may go (consent,
 * quiet hours) and hands it to the SMS queue; the worker's processor calls `send`, which applies the
 * per-phone rate limits and talks to the configured provider.
 */
@Injectable()
export class SmsService {
  private readonly logger = new Logger(SmsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService,
    @InjectQueue(QUEUES.SMS) private readonly queue: Queue<SmsJobPayload>,
    @Inject(SMS_PROVIDER) private readonly provider: SmsProvider,
    @Inject(SMS_CLOCK) private readonly clock: SmsClock,
    private readonly limiter: SmsRateLimiter,
  ) {}

  private get sms(): SmsConfig {
    return this.config.getOrThrow<SmsConfig>('sms');
  }

  /**
   * Records the messages of a request (once per source key, phone and template) and queues those
   * that may go. Safe to call again with the same request: existing rows are re-queued under the same
   * job id (a no-op if the job exists), so a crash between insert and enqueue loses nothing.
   */
  async request(req: SmsRequest): Promise<SmsMessageEntity[]> {
    return this.requestMany([req]);
  }

  /**
   * `request` for many at once (the daily digest, bursts of events): one multi-row INSERT IGNORE, one
   * read-back and one Bull addBulk per chunk of requests, instead of three round trips per request.
   */
  async requestMany(reqs: SmsRequest[]): Promise<SmsMessageEntity[]> {
    const out: SmsMessageEntity[] = [];
    for (let i = 0; i < reqs.length; i += REQUESTS_PER_CHUNK) out.push(...await this.requestChunk(reqs.slice(i, i + REQUESTS_PER_CHUNK)));
    return out;
  }

  private async requestChunk(reqs: SmsRequest[]): Promise<SmsMessageEntity[]> {
    const now = this.clock.now();
    const values: unknown[] = [];
    const wanted = new Set<string>();
    for (const req of reqs) {
      const def = SMS_TEMPLATES[req.template];
      const body = renderTemplate(def, req.params);
      const at = def.policy.respectsQuietHours ? sendableAt(now, this.sms.quietHours) : now;
      const status = req.skipReason ? SmsStatus.SKIPPED : at > now ? SmsStatus.SCHEDULED : SmsStatus.PENDING;
      const rows = req.recipients.filter((r, i, all) => all.findIndex((x) => x.phone === r.phone) === i);
      for (const r of rows) {
        // The same event twice in one batch (a redelivery racing the first): one row.
        const key = messageKey(req.sourceKey, r.phone, req.template);
        if (wanted.has(key)) continue;
        wanted.add(key);
        values.push(req.sourceKey, r.phone, r.role, req.companyId ?? null, req.farmerId ?? null, req.template, JSON.stringify(req.params), body, status, req.skipReason ?? null, status === SmsStatus.SCHEDULED ? at : null);
      }
    }
    if (wanted.size === 0) return [];
    await this.dataSource.query(
      `INSERT IGNORE INTO sms_message (source_key, recipient_phone, recipient_role, company_id, farmer_id, template, params, body, status, last_error, scheduled_at)
       VALUES ${Array.from({ length: wanted.size }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      values,
    );
    const sourceKeys = [...new Set(reqs.map((r) => r.sourceKey))];
    const found = await this.dataSource.getRepository(SmsMessageEntity).findBy({ sourceKey: In(sourceKeys) });
    const messages = found.filter((m) => wanted.has(messageKey(m.sourceKey, m.recipientPhone, m.template)));
    await this.enqueue(messages.filter((m) => SENDABLE_STATUSES.includes(m.status)), now);
    return messages;
  }

  private async enqueue(messages: SmsMessageEntity[], now: Date): Promise<void> {
    if (messages.length === 0) return;
    await this.queue.addBulk(messages.map((m) => ({
      data: { messageId: m.id },
      opts: {
        jobId: smsJobId(m.id, m.deferrals),
        delay: m.scheduledAt ? Math.max(0, m.scheduledAt.getTime() - now.getTime()) : 0,
        ...this.jobOptions(),
      },
    })));
  }

  private jobOptions() {
    return {
      attempts: this.sms.sendAttempts,
      backoff: { type: 'exponential', delay: this.sms.backoffMs },
      removeOnComplete: { age: 24 * 3600, count: 100_000 },
      removeOnFail: { age: 14 * 24 * 3600 },
    };
  }

  /**
   * Records delivery receipts (DELIVERED / UNDELIVERED) by the provider's message id. Only a SENT
   * message changes, so a repeated receipt is a no-op. Returns how many messages changed.
   */
  async recordReceipts(provider: string, receipts: Array<{ providerMessageId: string; delivered: boolean; error: string | null }>): Promise<number> {
    let changed = 0;
    for (const r of receipts) {
      const res = await this.dataSource.query(
        'UPDATE sms_message SET status = ?, delivered_at = ?, last_error = ? WHERE provider = ? AND provider_message_id = ? AND status = ?',
        [r.delivered ? SmsStatus.DELIVERED : SmsStatus.UNDELIVERED, new Date(), r.delivered ? null : (r.error ?? 'UNDELIVERED').slice(0, 500), provider, r.providerMessageId, SmsStatus.SENT],
      ) as { affectedRows: number };
      changed += res.affectedRows;
    }
    return changed;
  }

  /**
   * Sends one message (worker). Idempotent: a message already sent, dead or skipped is left alone.
   * Over a per-phone limit it is deferred to the next window (not dropped). A provider error is
   * recorded and rethrown for Bull's backoff; the last attempt marks it DEAD.
   */
  async send(messageId: string, attempt: { made: number; max: number }): Promise<SmsStatus> {
    const [outcome] = await this.sendMany([{ messageId, attempt }]);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /**
   * `send` for a batch of SMS jobs (the processor collects the jobs running at about the same
   * time): one SELECT of the rows, one Redis MULTI for the rate windows of distinct phones, the
   * provider calls side by side, one UPDATE for everything sent. A phone that appears more than once
   * in the batch is counted message by message, so limits apply exactly as one by one. Returns, per
   * item, the status or the Error to rethrow for that job alone.
   */
  async sendMany(items: Array<{ messageId: string; attempt: { made: number; max: number } }>): Promise<Array<SmsStatus | Error>> {
    const repo = this.dataSource.getRepository(SmsMessageEntity);
    const ids = [...new Set(items.map((i) => i.messageId))];
    const rows = new Map((await repo.findBy({ id: In(ids) })).map((m) => [m.id, m]));
    const outcome = new Map<string, SmsStatus | Error>();
    const now = this.clock.now();
    const todo: SmsMessageEntity[] = [];
    for (const id of ids) {
      const m = rows.get(id);
      if (!m || !SENDABLE_STATUSES.includes(m.status)) outcome.set(id, m?.status ?? SmsStatus.SKIPPED);
      else todo.push(m);
    }

    const limited = todo.filter((m) => SMS_TEMPLATES[m.template as SmsTemplateKey].policy.rateLimited);
    const firstOfPhone = limited.filter((m, i) => limited.findIndex((x) => x.recipientPhone === m.recipientPhone) === i);
    const repeats = limited.filter((m) => !firstOfPhone.includes(m));
    const windows = this.limiter.phoneWindows();
    const taken = new Map<string, { ok: true } | { ok: false; retryAt: Date }>();
    const firstTaken = await this.limiter.takeMany(firstOfPhone.map((m) => `phone:${m.recipientPhone}`), windows, now);
    firstOfPhone.forEach((m, i) => taken.set(m.id, firstTaken[i]));
    for (const m of repeats) taken.set(m.id, await this.limiter.take(`phone:${m.recipientPhone}`, windows, now));
    const deferred: SmsMessageEntity[] = [];
    for (const m of todo) {
      const t = taken.get(m.id);
      if (!t || t.ok) continue;
      const def = SMS_TEMPLATES[m.template as SmsTemplateKey];
      const at = def.policy.respectsQuietHours ? sendableAt(t.retryAt, this.sms.quietHours) : t.retryAt;
      await repo.update({ id: m.id }, { status: SmsStatus.SCHEDULED, scheduledAt: at, deferrals: m.deferrals + 1, lastError: 'RATE_LIMITED' });
      deferred.push({ ...m, scheduledAt: at, deferrals: m.deferrals + 1 });
      outcome.set(m.id, SmsStatus.SCHEDULED);
      this.logger.log({ messageId: m.id, phone: maskPhone(m.recipientPhone), until: at.toISOString() }, 'sms deferred by the per-phone rate limit');
    }
    await this.enqueue(deferred, now);

    const sending = todo.filter((m) => !outcome.has(m.id));
    const results = await Promise.all(sending.map((m) => this.provider.send({
      messageId: m.id, phone: m.recipientPhone, templateKey: m.template, template: SMS_TEMPLATES[m.template as SmsTemplateKey], params: m.params, body: m.body,
    }).then((r) => ({ m, providerMessageId: r.providerMessageId }), (err: Error) => ({ m, err }))));
    const sent = results.filter((r): r is { m: SmsMessageEntity; providerMessageId: string } => 'providerMessageId' in r);
    if (sent.length) {
      await this.dataSource.query(
        `UPDATE sms_message SET status = ?, provider = ?, sent_at = ?, attempts = attempts + 1, last_error = NULL,
           provider_message_id = CASE id ${sent.map(() => 'WHEN ? THEN ?').join(' ')} END
         WHERE id IN (${sent.map(() => '?').join(', ')})`,
        [SmsStatus.SENT, this.provider.name, new Date(), ...sent.flatMap((r) => [r.m.id, r.providerMessageId]), ...sent.map((r) => r.m.id)],
      );
      for (const r of sent) {
        outcome.set(r.m.id, SmsStatus.SENT);
        this.logger.log({ messageId: r.m.id, template: r.m.template, phone: maskPhone(r.m.recipientPhone), provider: this.provider.name }, 'sms sent');
      }
    }
    const attemptOf = new Map(items.map((i) => [i.messageId, i.attempt]));
    for (const r of results) {
      if (!('err' in r)) continue;
      const { m, err } = r;
      const attempt = attemptOf.get(m.id) as { made: number; max: number };
      const last = attempt.made + 1 >= attempt.max;
      const message = err.message.slice(0, 500);
      await repo.update({ id: m.id }, { status: last ? SmsStatus.DEAD : SmsStatus.RETRYING, provider: this.provider.name, attempts: m.attempts + 1, lastError: message });
      this.logger.warn({ messageId: m.id, template: m.template, phone: maskPhone(m.recipientPhone), attempt: attempt.made + 1, err: message }, last ? 'sms dead after the last attempt' : 'sms send failed; retrying');
      outcome.set(m.id, last ? SmsStatus.DEAD : err);
    }
    return items.map((i) => outcome.get(i.messageId) as SmsStatus | Error);
  }
}
