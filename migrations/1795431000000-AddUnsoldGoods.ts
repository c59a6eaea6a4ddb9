import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The unsold-goods job: what it did per lot and consignment line (`unsold_action`, lot 0 for goods
 * still at the point and for the period-ending notice of a line), the markdown flag on a lot, and on
 * sale lines the units that came out of the company's own stock (converted unsold goods).
 */
export class AddUnsoldGoods1795431000000 implements MigrationInterface {
  name = 'AddUnsoldGoods1795431000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `unsold_action` ADD `company_id` bigint UNSIGNED NOT NULL, ADD `business_day` date NOT NULL, ADD `period_ends_at` datetime(3) NOT NULL');
    await queryRunner.query('CREATE INDEX `idx_unsold_action_line` ON `unsold_action` (`consignment_line_id`)');
    await queryRunner.query('CREATE INDEX `idx_unsold_action_company_day` ON `unsold_action` (`company_id`, `business_day`)');
    await queryRunner.query(
      'CREATE TABLE `lot_markdown` (`lot_id` bigint UNSIGNED NOT NULL, `company_id` bigint UNSIGNED NOT NULL, `business_day` date NOT NULL, `markdown_percent` int UNSIGNED NOT NULL, '
      + '`reference_unit_price_fen` bigint NULL, `suggested_unit_price_fen` bigint NULL, `unsold_base` int UNSIGNED NOT NULL, `created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), '
      + 'INDEX `idx_lot_markdown_company_day` (`company_id`, `business_day`), PRIMARY KEY (`lot_id`)) ENGINE=InnoDB',
    );
    await queryRunner.query('ALTER TABLE `sale_line` ADD `company_base` int UNSIGNED NOT NULL DEFAULT 0, ADD `company_refunded_base` int UNSIGNED NOT NULL DEFAULT 0');
    // what a consignment line has sold, over every lot (period-ending check, forward trace)
    await queryRunner.query('CREATE INDEX `idx_lot_allocation_line` ON `lot_allocation` (`consignment_line_id`)');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `idx_lot_allocation_line` ON `lot_allocation`');
    await queryRunner.query('ALTER TABLE `sale_line` DROP COLUMN `company_refunded_base`, DROP COLUMN `company_base`');
    await queryRunner.query('DROP TABLE `lot_markdown`');
    await queryRunner.query('DROP INDEX `idx_unsold_action_company_day` ON `unsold_action`');
    await queryRunner.query('DROP INDEX `idx_unsold_action_line` ON `unsold_action`');
    await queryRunner.query('ALTER TABLE `unsold_action` DROP COLUMN `period_ends_at`, DROP COLUMN `business_day`, DROP COLUMN `company_id`');
  }
}
