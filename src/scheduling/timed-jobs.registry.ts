import { Injectable } from '@nestjs/common';

export type TimedJobOutcome = Record<string, unknown> | void;

export type TimedJobDefinition = {
  /** Stable name, e.g. 'parcels.overdue-reminders'. */
  name: string;
  /** Cron expression evaluated in Asia/Shanghai, e.g. '0 2 * * *' for 02:00 every day. */
  cron: string;
  description: string;
  /**
   * The work for one slot. Must be idempotent: after a crash the same slot runs again.
   * `slot` is the slot's start time.
   */
  run: (slot: Date) => Promise<TimedJobOutcome>;
};

/** Modules register their timed jobs here at init; the worker schedules them, admins list them. */
@Injectable()
export class TimedJobsRegistry {
  private readonly jobs = new Map<string, TimedJobDefinition>();

  register(definition: TimedJobDefinition): void {
    if (this.jobs.has(definition.name)) throw new Error(`timed job ${definition.name} registered twice`);
    this.jobs.set(definition.name, definition);
  }

  get(name: string): TimedJobDefinition | undefined {
    return this.jobs.get(name);
  }

  list(): TimedJobDefinition[] {
    return [...this.jobs.values()];
  }
}
