import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A farmer's parcels (`/me/parcels`, the 快递/KD SMS command) are those linked to the farmer or sent to
 * the farmer's phone. The phone had no index, so that lookup scanned the whole multi-million-row table.
 * InnoDB appends the primary key to the entry, so `(recipient_phone)` also serves `ORDER BY id DESC`.
 */
export class IndexDownParcelRecipientPhone1795441000000 implements MigrationInterface {
  name = 'IndexDownParcelRecipientPhone1795441000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `down_parcel` ADD INDEX `idx_down_parcel_recipient_phone` (`recipient_phone`)');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `down_parcel` DROP INDEX `idx_down_parcel_recipient_phone`');
  }
}
