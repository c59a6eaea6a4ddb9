import { MigrationInterface, QueryRunner } from 'typeorm';

/** Up parcels of a point in id order, for the keyset chunks of their export (as 1795435000000 for the other lists). */
export class AddUpParcelKeysetIndex1795435000001 implements MigrationInterface {
  name = 'AddUpParcelKeysetIndex1795435000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX `idx_up_parcel_point_id` ON `up_parcel` (`point_id`, `id`)');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `idx_up_parcel_point_id` ON `up_parcel`');
  }
}
