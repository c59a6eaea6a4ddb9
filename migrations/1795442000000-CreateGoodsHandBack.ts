import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consignment-mode goods still at the point that the farmer takes back (after the unsold-goods job's
 * NOTIFY_RETURN notice, or when the farmer asks): a record per hand-back, and the line's counter of
 * what went back, so those units can no longer be batched and the line's accepted goods are all
 * accounted for: batched + handed back ≤ accepted.
 */
export class CreateGoodsHandBack1795442000000 implements MigrationInterface {
  name = 'CreateGoodsHandBack1795442000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `consignment_line` ADD `handed_back_quantity_base` int UNSIGNED NOT NULL DEFAULT 0');
    await queryRunner.query('ALTER TABLE `consignment_line` ADD CONSTRAINT `chk_consignment_line_at_point` CHECK (`batched_quantity_base` + `handed_back_quantity_base` <= `accepted_quantity_base`)');
    await queryRunner.query(`CREATE TABLE \`goods_hand_back\` (
      \`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT,
      \`company_id\` bigint UNSIGNED NOT NULL,
      \`point_id\` bigint UNSIGNED NOT NULL,
      \`consignment_id\` bigint UNSIGNED NOT NULL,
      \`consignment_line_id\` bigint UNSIGNED NOT NULL,
      \`line_no\` smallint UNSIGNED NOT NULL,
      \`farmer_id\` bigint UNSIGNED NOT NULL,
      \`client_id\` char(36) NOT NULL,
      \`quantity_base\` int UNSIGNED NOT NULL,
      \`note\` varchar(200) NULL,
      \`created_by\` bigint UNSIGNED NOT NULL,
      \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      UNIQUE INDEX \`uq_goods_hand_back_client\` (\`client_id\`),
      INDEX \`idx_goods_hand_back_line\` (\`consignment_line_id\`),
      INDEX \`idx_goods_hand_back_point_time\` (\`point_id\`, \`created_at\`),
      PRIMARY KEY (\`id\`)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `goods_hand_back`');
    await queryRunner.query('ALTER TABLE `consignment_line` DROP CONSTRAINT `chk_consignment_line_at_point`');
    await queryRunner.query('ALTER TABLE `consignment_line` DROP COLUMN `handed_back_quantity_base`');
  }
}
