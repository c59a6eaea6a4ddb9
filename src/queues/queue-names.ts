/** Queue names, one place (STYLE.md). */
export const QUEUES = {
  /** Domain events relayed from the outbox; consumers subscribe per event type. */
  DOMAIN_EVENTS: 'domain-events',
  /** One job per (timed job, slot); see src/scheduling/. */
  TIMED_JOBS: 'timed-jobs',
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

/** Job payload of QUEUES.PAYOUTS. */
export type PayoutJob = { payoutId: string };
