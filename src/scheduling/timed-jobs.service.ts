import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/errors/domain-error';
import { Page, paginate } from '../common/pagination';
import { QUEUES, TimedJobPayload } from '../queues/queue-names';
import { ListJobRunsQueryDto, JobRunDto } from './dto/job-run.dto';
import { JobRunEntity, JobRunStatus } from './job-run.entity';
import { slotKey, slotStart, timedJobId } from './slot';
import { TimedJobsRegistry } from './timed-jobs.registry';

/** A RUNNING claim older than this is taken to be a crashed run and may be taken over. */
const CLAIM_LEASE_MS = 30 * 60 * 1000;

export type SlotResult = { ran: boolean; status: JobRunStatus | 'SKIPPED' };

/**
 * Timed jobs run once per slot across all instances: the cron only enqueues a Bull job whose id is
 * the slot, and the run itself claims a `job_run` row (unique per job and slot) before working.
 */
@Injectable()
export class TimedJobsService {
  private readonly logger = new Logger(TimedJobsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: TimedJobsRegistry,
    @InjectQueue(QUEUES.TIMED_JOBS) private readonly queue: Queue<TimedJobPayload>,
  ) {}

  /** Called by every instance's cron tick; only one Bull job exists per (job, slot). */
  async enqueueSlot(name: string, at: Date): Promise<string> {
    if (!this.registry.get(name)) throw new NotFoundError('定时任务', 'Timed job', 'TIMED_JOB_NOT_FOUND');
    const key = slotKey(at);
    await this.queue.add({ jobName: name, slot: key }, {
      jobId: timedJobId(name, key),
      attempts: 3,
      backoff: { type: 'exponential', delay: 5000 },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    });
    return key;
  }

  /**
   * Runs one slot unless it already succeeded or another worker holds a live claim. A failure is
   * recorded and rethrown so Bull retries with backoff.
   */
  async runSlot(name: string, key: string): Promise<SlotResult> {
    const job = this.registry.get(name);
    if (!job) throw new Error(`unknown timed job ${name}`);
    if (!(await this.claim(name, key))) return { ran: false, status: 'SKIPPED' };
    const started = Date.now();
    try {
      const outcome = (await job.run(slotStart(key))) ?? {};
      await this.finish(name, key, JobRunStatus.SUCCEEDED, outcome, null);
      this.logger.log({ job: name, slot: key, ms: Date.now() - started }, 'timed job succeeded');
      return { ran: true, status: JobRunStatus.SUCCEEDED };
    } catch (err) {
      await this.finish(name, key, JobRunStatus.FAILED, null, (err as Error).message);
      this.logger.error({ job: name, slot: key, err: (err as Error).message }, 'timed job failed');
      throw err;
    }
  }

  /** Inserts the claim, or takes over a failed or stale one; true when this caller may run. */
  private async claim(name: string, key: string): Promise<boolean> {
    const inserted = await this.dataSource.query(
      `INSERT IGNORE INTO job_run (job_name, slot, status, attempts, started_at) VALUES (?, ?, ?, 1, CURRENT_TIMESTAMP(3))`,
      [name, key, JobRunStatus.RUNNING],
    );
    if (inserted.affectedRows === 1) return true;
    const taken = await this.dataSource.query(
      `UPDATE job_run SET status = ?, attempts = attempts + 1, started_at = CURRENT_TIMESTAMP(3), finished_at = NULL, error = NULL
        WHERE job_name = ? AND slot = ?
          AND (status = ? OR (status = ? AND started_at < ?))`,
      [JobRunStatus.RUNNING, name, key, JobRunStatus.FAILED, JobRunStatus.RUNNING, new Date(Date.now() - CLAIM_LEASE_MS)],
    );
    return taken.affectedRows === 1;
  }

  private async finish(name: string, key: string, status: JobRunStatus, outcome: object | null, error: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE job_run SET status = ?, finished_at = CURRENT_TIMESTAMP(3), outcome = ?, error = ? WHERE job_name = ? AND slot = ?`,
      [status, outcome ? JSON.stringify(outcome) : null, error?.slice(0, 1000) ?? null, name, key],
    );
  }

  listRuns(query: ListJobRunsQueryDto): Promise<Page<JobRunDto>> {
    const qb = this.dataSource.getRepository(JobRunEntity).createQueryBuilder('r');
    if (query.jobName) qb.andWhere('r.job_name = :jobName', { jobName: query.jobName });
    if (query.status) qb.andWhere('r.status = :status', { status: query.status });
    return paginate(qb, 'r.id', query, (r) => ({
      id: r.id, jobName: r.jobName, slot: r.slot, status: r.status, attempts: r.attempts,
      startedAt: r.startedAt, finishedAt: r.finishedAt, outcome: r.outcome, error: r.error,
    }));
  }
}
