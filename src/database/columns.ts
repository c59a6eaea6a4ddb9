import { Column, ColumnOptions, CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintNumberTransformer } from './transformers/bigint.transformer';

/** BIGINT UNSIGNED auto-increment primary key; ids travel as strings (see bigint.transformer.ts). */
export const IdColumn = () => PrimaryGeneratedColumn({ type: 'bigint', unsigned: true });

/** A foreign key to an IdColumn. */
export const RefColumn = (options: ColumnOptions = {}) =>
  Column({ type: 'bigint', unsigned: true, ...options });

/** Integer fen, signed so reversals and adjustments can be negative. */
export const FenColumn = (options: ColumnOptions = {}) =>
  Column({ type: 'bigint', transformer: bigintNumberTransformer, ...options });

/** Timestamps are stored in UTC with millisecond precision. */
// The default's precision must match the column's, or MySQL 8 refuses the DDL.
export const CreatedAtColumn = () =>
  CreateDateColumn({ type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' });
export const UpdatedAtColumn = () =>
  UpdateDateColumn({ type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)', onUpdate: 'CURRENT_TIMESTAMP(3)' });
export const DateTimeColumn = (options: ColumnOptions = {}) =>
  Column({ type: 'datetime', precision: 3, ...options });
