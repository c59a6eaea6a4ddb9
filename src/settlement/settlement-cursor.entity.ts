import { Entity, PrimaryColumn } from 'typeorm';
import { RefColumn } from '../database/columns';

/** Per farmer account: the last entry id already claimed by a statement (where the next one starts). */
@Entity('settlement_cursor')
export class SettlementCursorEntity {
  @PrimaryColumn({ type: 'bigint', unsigned: true }) accountId: string;

  @RefColumn() companyId: string;

  @RefColumn() settledThroughEntryId: string;
}
