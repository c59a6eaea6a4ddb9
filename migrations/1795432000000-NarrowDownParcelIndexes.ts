import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Takes `status` out of the phone-tail and recipient-farmer indexes of `down_parcel`. A pickup
 * changes the status, and with status in those keys every pickup rewrote two index entries in pages
 * of a multi-million-row table that are rarely cached (a random read each). The lookups they serve
 * (a point's parcels by phone tail, a farmer's parcels) stay indexed and filter the status on the
 * few rows of that tail or farmer.
 */
export class NarrowDownParcelIndexes1795432000000 implements MigrationInterface {
  name = 'NarrowDownParcelIndexes1795432000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE `down_parcel` DROP INDEX `idx_down_parcel_point_tail`, ADD INDEX `idx_down_parcel_point_tail` (`point_id`, `recipient_phone_last4`),'
      + ' DROP INDEX `idx_down_parcel_recipient_farmer`, ADD INDEX `idx_down_parcel_recipient_farmer` (`recipient_farmer_id`)',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE `down_parcel` DROP INDEX `idx_down_parcel_point_tail`, ADD INDEX `idx_down_parcel_point_tail` (`point_id`, `recipient_phone_last4`, `status`),'
      + ' DROP INDEX `idx_down_parcel_recipient_farmer`, ADD INDEX `idx_down_parcel_recipient_farmer` (`recipient_farmer_id`, `status`)',
    );
  }
}
