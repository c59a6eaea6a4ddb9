import { Column, Entity, Index } from 'typeorm';
import { DateTimeColumn, IdColumn } from '../database/columns';

export enum JobRunStatus {
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

/**
 * One row per (timed job, time slot): the database claim that makes a slot run once even when
 * several workers hold its Bull job, and the run record admins read (start, end, outcome).
 */
@Entity('job_run')
@Index('uq_job_run_name_slot', ['jobName', 'slot'], { unique: true })
@Index('idx_job_run_started', ['startedAt'])
export class JobRunEntity {
  @IdColumn() id: string;

  @Column({ length: 64 }) jobName: string;

  /** The slot's start as an ISO minute in UTC, e.g. 2026-11-23T16:00Z. */
  @Column({ length: 20 }) slot: string;

  @Column({ type: 'varchar', length: 12 }) status: JobRunStatus;

  @Column({ type: 'int', unsigned: true, default: 0 }) attempts: number;

  @DateTimeColumn() startedAt: Date;

  @DateTimeColumn({ nullable: true, default: null }) finishedAt: Date | null;

  @Column({ type: 'json', nullable: true, default: null }) outcome: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 1000, nullable: true, default: null }) error: string | null;
}
