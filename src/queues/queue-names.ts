/** Queue names, one place (STYLE.md). */
export const QUEUES = {
  /** Domain events relayed from the outbox; consumers subscribe per event type. */
  DOMAIN_EVENTS: 'domain-events',
  /** One job per (timed job, slot); see src/scheduling/. */
  TIMED_JOBS: 'timed-jobs',
  /** One job per SMS message (job id `sms-<message id>`); see src/notifications/. */
  SMS: 'sms',
  /** One job per payout (id `payout:<id>`); retried with backoff, each retry asks the provider first. */
  PAYOUTS: 'payouts',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Job payload of QUEUES.DOMAIN_EVENTS: the outbox row as it was written. */
export type DomainEventJob = {
  outboxId: string;
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  occurredAt: string;
};

/** Stable Bull job id for an outbox row: relaying it twice adds it once. */
export const outboxJobId = (outboxId: string) => `outbox-${outboxId}`;

/** Job payload of QUEUES.TIMED_JOBS. */
export type TimedJobPayload = { jobName: string; slot: string };

/** Job payload of QUEUES.SMS: the message row to send. */
export type SmsJobPayload = { messageId: string };

/** Stable Bull job id of an SMS message; a deferral adds `-d<n>` so the new delayed job is distinct. */
export const smsJobId = (messageId: string, deferral = 0) => (deferral ? `sms-${messageId}-d${deferral}` : `sms-${messageId}`);
/** Job payload of QUEUES.PAYOUTS. */
export type PayoutJob = { payoutId: string };
