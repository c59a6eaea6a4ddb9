import { MigrationInterface, QueryRunner } from 'typeorm';

/** The public trace summary stored on each lot when it is packed; older lots get theirs on first view. */
export class AddLotPublicTrace1795425000000 implements MigrationInterface {
  name = 'AddLotPublicTrace1795425000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `lot` ADD `public_trace` json NULL DEFAULT NULL');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `lot` DROP COLUMN `public_trace`');
  }
}
