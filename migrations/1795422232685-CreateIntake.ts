import { MigrationInterface, QueryRunner } from 'typeorm';

/** Consignments and their lines, receipt counters, quality checks (grades, rejects) and amendments. */

export class CreateIntake1795422232685 implements MigrationInterface {
    name = 'CreateIntake1795422232685'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`consignment\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`point_id\` bigint UNSIGNED NOT NULL, \`farmer_id\` bigint UNSIGNED NOT NULL, \`client_id\` char(36) NOT NULL, \`request_hash\` char(64) NOT NULL, \`receipt_no\` varchar(32) NOT NULL, \`business_day\` char(10) NOT NULL, \`captured_at\` datetime(3) NOT NULL, \`received_at\` datetime(3) NOT NULL, \`status\` varchar(16) NOT NULL, \`line_count\` smallint UNSIGNED NOT NULL, \`estimated_amount_fen\` bigint NOT NULL, \`note\` varchar(255) NULL, \`created_by\` bigint UNSIGNED NOT NULL, \`voided_at\` datetime(3) NULL, \`voided_by\` bigint UNSIGNED NULL, \`void_reason\` varchar(255) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`idx_consignment_company_captured\` (\`company_id\`, \`captured_at\`), INDEX \`idx_consignment_farmer_captured\` (\`farmer_id\`, \`captured_at\`), INDEX \`idx_consignment_point_status\` (\`point_id\`, \`status\`, \`captured_at\`), INDEX \`idx_consignment_point_captured\` (\`point_id\`, \`captured_at\`), UNIQUE INDEX \`uq_consignment_point_receipt\` (\`point_id\`, \`receipt_no\`), UNIQUE INDEX \`uq_consignment_client_id\` (\`client_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`intake_amendment\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`consignment_id\` bigint UNSIGNED NOT NULL, \`line_id\` bigint UNSIGNED NULL, \`kind\` varchar(24) NOT NULL, \`actor_id\` bigint UNSIGNED NOT NULL, \`reason\` varchar(255) NOT NULL, \`before\` json NOT NULL, \`after\` json NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`idx_intake_amendment_consignment\` (\`consignment_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`quality_check_grade\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`quality_check_id\` bigint UNSIGNED NOT NULL, \`line_id\` bigint UNSIGNED NOT NULL, \`grade_code\` varchar(16) NOT NULL, \`quantity_base\` int UNSIGNED NOT NULL, \`price_fen\` bigint NOT NULL, \`price_unit_size_base\` int UNSIGNED NOT NULL, \`amount_fen\` bigint NOT NULL, \`settlement_mode\` varchar(16) NOT NULL, INDEX \`idx_quality_check_grade_line\` (\`line_id\`), INDEX \`idx_quality_check_grade_check\` (\`quality_check_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`consignment_line\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`consignment_id\` bigint UNSIGNED NOT NULL, \`line_no\` smallint UNSIGNED NOT NULL, \`product_id\` bigint UNSIGNED NOT NULL, \`declared_grade_code\` varchar(16) NOT NULL, \`quantity_text\` varchar(16) NOT NULL, \`unit_name\` varchar(8) NOT NULL, \`unit_size_base\` int UNSIGNED NOT NULL, \`quantity_base\` int UNSIGNED NOT NULL, \`price_fen\` bigint NOT NULL, \`price_unit_name\` varchar(8) NOT NULL, \`price_unit_size_base\` int UNSIGNED NOT NULL, \`settlement_mode\` varchar(16) NOT NULL, \`estimated_amount_fen\` bigint NOT NULL, \`status\` varchar(16) NOT NULL, \`accepted_quantity_base\` int UNSIGNED NOT NULL DEFAULT '0', \`rejected_quantity_base\` int UNSIGNED NOT NULL DEFAULT '0', \`batched_quantity_base\` int UNSIGNED NOT NULL DEFAULT '0', \`accepted_amount_fen\` bigint NOT NULL DEFAULT '0', INDEX \`idx_consignment_line_status\` (\`status\`), INDEX \`idx_consignment_line_product\` (\`product_id\`, \`consignment_id\`), UNIQUE INDEX \`uq_consignment_line_no\` (\`consignment_id\`, \`line_no\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`quality_check_reject\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`quality_check_id\` bigint UNSIGNED NOT NULL, \`line_id\` bigint UNSIGNED NOT NULL, \`reason\` varchar(16) NOT NULL, \`quantity_base\` int UNSIGNED NOT NULL, \`note\` varchar(255) NULL, \`disposition\` varchar(24) NOT NULL, INDEX \`idx_quality_check_reject_line\` (\`line_id\`), INDEX \`idx_quality_check_reject_check\` (\`quality_check_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`quality_check\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`consignment_id\` bigint UNSIGNED NOT NULL, \`line_id\` bigint UNSIGNED NOT NULL, \`revision\` smallint UNSIGNED NOT NULL, \`request_hash\` char(64) NOT NULL, \`checked_by\` bigint UNSIGNED NOT NULL, \`checked_at\` datetime(3) NOT NULL, \`accepted_quantity_base\` int UNSIGNED NOT NULL, \`rejected_quantity_base\` int UNSIGNED NOT NULL, \`measured_weight_grams\` int UNSIGNED NULL, \`checklist\` json NOT NULL, \`note\` varchar(255) NULL, \`superseded_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`idx_quality_check_consignment\` (\`consignment_id\`), UNIQUE INDEX \`uq_quality_check_line_revision\` (\`line_id\`, \`revision\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`receipt_counter\` (\`point_id\` bigint UNSIGNED NOT NULL, \`business_day\` char(10) NOT NULL, \`last_seq\` int UNSIGNED NOT NULL, PRIMARY KEY (\`point_id\`, \`business_day\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE \`receipt_counter\``);
        await queryRunner.query(`DROP INDEX \`uq_quality_check_line_revision\` ON \`quality_check\``);
        await queryRunner.query(`DROP INDEX \`idx_quality_check_consignment\` ON \`quality_check\``);
        await queryRunner.query(`DROP TABLE \`quality_check\``);
        await queryRunner.query(`DROP INDEX \`idx_quality_check_reject_check\` ON \`quality_check_reject\``);
        await queryRunner.query(`DROP INDEX \`idx_quality_check_reject_line\` ON \`quality_check_reject\``);
        await queryRunner.query(`DROP TABLE \`quality_check_reject\``);
        await queryRunner.query(`DROP INDEX \`uq_consignment_line_no\` ON \`consignment_line\``);
        await queryRunner.query(`DROP INDEX \`idx_consignment_line_product\` ON \`consignment_line\``);
        await queryRunner.query(`DROP INDEX \`idx_consignment_line_status\` ON \`consignment_line\``);
        await queryRunner.query(`DROP TABLE \`consignment_line\``);
        await queryRunner.query(`DROP INDEX \`idx_quality_check_grade_check\` ON \`quality_check_grade\``);
        await queryRunner.query(`DROP INDEX \`idx_quality_check_grade_line\` ON \`quality_check_grade\``);
        await queryRunner.query(`DROP TABLE \`quality_check_grade\``);
        await queryRunner.query(`DROP INDEX \`idx_intake_amendment_consignment\` ON \`intake_amendment\``);
        await queryRunner.query(`DROP TABLE \`intake_amendment\``);
        await queryRunner.query(`DROP INDEX \`uq_consignment_client_id\` ON \`consignment\``);
        await queryRunner.query(`DROP INDEX \`uq_consignment_point_receipt\` ON \`consignment\``);
        await queryRunner.query(`DROP INDEX \`idx_consignment_point_captured\` ON \`consignment\``);
        await queryRunner.query(`DROP INDEX \`idx_consignment_point_status\` ON \`consignment\``);
        await queryRunner.query(`DROP INDEX \`idx_consignment_farmer_captured\` ON \`consignment\``);
        await queryRunner.query(`DROP INDEX \`idx_consignment_company_captured\` ON \`consignment\``);
        await queryRunner.query(`DROP TABLE \`consignment\``);
    }

}
