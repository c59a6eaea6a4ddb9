import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Order farming (订单农业) on the tables created with the sales schema: request hashes for client-id
 * idempotency, the quantities and price as typed, closing and cancelling, who pledged (staff or the
 * farmer in the app), and the indexes the lists and the progress view read by (orders by point,
 * pledges by farmer, point and order). The database refuses pledges above the order.
 */
export class AddOrderFarming1795430000000 implements MigrationInterface {
  name = 'AddOrderFarming1795430000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`demand_order\`
      ADD \`request_hash\` char(64) NOT NULL,
      ADD \`quantity_text\` varchar(16) NOT NULL,
      ADD \`unit_name\` varchar(8) NOT NULL,
      ADD \`unit_size_base\` int UNSIGNED NOT NULL,
      ADD \`price_unit_name\` varchar(8) NOT NULL,
      ADD \`note\` varchar(255) NULL DEFAULT NULL,
      ADD \`closed_at\` datetime(3) NULL DEFAULT NULL,
      ADD \`closed_by\` bigint UNSIGNED NULL DEFAULT NULL,
      ADD \`close_reason\` varchar(255) NULL DEFAULT NULL`);
    await queryRunner.query('CREATE INDEX `idx_demand_order_company_status` ON `demand_order` (`company_id`, `status`, `id`)');
    await queryRunner.query('ALTER TABLE `demand_order` ADD CONSTRAINT `chk_demand_order_pledged` CHECK (`pledged_base` <= `quantity_base`)');
    await queryRunner.query('CREATE INDEX `idx_demand_order_point_point` ON `demand_order_point` (`point_id`, `order_id`)');
    await queryRunner.query(`ALTER TABLE \`demand_pledge\`
      ADD \`request_hash\` char(64) NOT NULL,
      ADD \`quantity_text\` varchar(16) NOT NULL,
      ADD \`unit_name\` varchar(8) NOT NULL,
      ADD \`status\` varchar(16) NOT NULL DEFAULT 'ACTIVE',
      ADD \`created_by_kind\` varchar(8) NOT NULL DEFAULT 'staff',
      ADD \`cancelled_at\` datetime(3) NULL DEFAULT NULL,
      ADD \`cancelled_by\` bigint UNSIGNED NULL DEFAULT NULL,
      ADD \`cancel_reason\` varchar(255) NULL DEFAULT NULL`);
    await queryRunner.query('DROP INDEX `idx_demand_pledge_order` ON `demand_pledge`');
    await queryRunner.query('CREATE INDEX `idx_demand_pledge_order_point_farmer` ON `demand_pledge` (`order_id`, `point_id`, `farmer_id`)');
    await queryRunner.query('CREATE INDEX `idx_demand_pledge_farmer` ON `demand_pledge` (`farmer_id`, `id`)');
    await queryRunner.query('CREATE INDEX `idx_demand_pledge_point` ON `demand_pledge` (`point_id`, `id`)');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `idx_demand_pledge_point` ON `demand_pledge`');
    await queryRunner.query('DROP INDEX `idx_demand_pledge_farmer` ON `demand_pledge`');
    await queryRunner.query('DROP INDEX `idx_demand_pledge_order_point_farmer` ON `demand_pledge`');
    await queryRunner.query('CREATE INDEX `idx_demand_pledge_order` ON `demand_pledge` (`order_id`)');
    await queryRunner.query(`ALTER TABLE \`demand_pledge\`
      DROP COLUMN \`cancel_reason\`, DROP COLUMN \`cancelled_by\`, DROP COLUMN \`cancelled_at\`, DROP COLUMN \`created_by_kind\`,
      DROP COLUMN \`status\`, DROP COLUMN \`unit_name\`, DROP COLUMN \`quantity_text\`, DROP COLUMN \`request_hash\``);
    await queryRunner.query('DROP INDEX `idx_demand_order_point_point` ON `demand_order_point`');
    await queryRunner.query('ALTER TABLE `demand_order` DROP CONSTRAINT `chk_demand_order_pledged`');
    await queryRunner.query('DROP INDEX `idx_demand_order_company_status` ON `demand_order`');
    await queryRunner.query(`ALTER TABLE \`demand_order\`
      DROP COLUMN \`close_reason\`, DROP COLUMN \`closed_by\`, DROP COLUMN \`closed_at\`, DROP COLUMN \`note\`,
      DROP COLUMN \`price_unit_name\`, DROP COLUMN \`unit_size_base\`, DROP COLUMN \`unit_name\`, DROP COLUMN \`quantity_text\`, DROP COLUMN \`request_hash\``);
  }
}
