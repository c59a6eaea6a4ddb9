import { MigrationInterface, QueryRunner } from 'typeorm';

/** Settlement runs, payout statements (entry ranges per farmer account), settlement cursors, payouts; farmer payout verification. */

export class CreateSettlementAndPayouts1795423977048 implements MigrationInterface {
    name = 'CreateSettlementAndPayouts1795423977048'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`payout\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`statement_id\` bigint UNSIGNED NOT NULL, \`farmer_id\` bigint UNSIGNED NOT NULL, \`point_id\` bigint UNSIGNED NOT NULL, \`amount_fen\` bigint NOT NULL, \`channel\` varchar(16) NOT NULL, \`request_no\` varchar(40) NOT NULL, \`status\` varchar(20) NOT NULL, \`attempts\` int UNSIGNED NOT NULL DEFAULT '0', \`provider_ref\` varchar(64) NULL, \`failure_reason\` varchar(255) NULL, \`cash_code_hash\` char(64) NULL, \`confirmation_kind\` varchar(16) NULL, \`confirmation_ref\` varchar(255) NULL, \`confirmed_by\` bigint UNSIGNED NULL, \`submitted_at\` datetime(3) NULL, \`paid_at\` datetime(3) NULL, \`failed_at\` datetime(3) NULL, \`created_by\` bigint UNSIGNED NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`idx_payout_status\` (\`status\`, \`updated_at\`), INDEX \`idx_payout_farmer_status\` (\`farmer_id\`, \`status\`), UNIQUE INDEX \`uq_payout_request_no\` (\`request_no\`), UNIQUE INDEX \`uq_payout_statement\` (\`statement_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`payout_statement\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`run_id\` bigint UNSIGNED NOT NULL, \`company_id\` bigint UNSIGNED NOT NULL, \`farmer_id\` bigint UNSIGNED NOT NULL, \`account_id\` bigint UNSIGNED NOT NULL, \`point_id\` bigint UNSIGNED NOT NULL, \`from_entry_id\` bigint UNSIGNED NOT NULL, \`through_entry_id\` bigint UNSIGNED NOT NULL, \`total_fen\` bigint NOT NULL, \`item_count\` int UNSIGNED NOT NULL, \`status\` varchar(20) NOT NULL, \`approved_by\` bigint UNSIGNED NULL, \`approved_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`idx_payout_statement_company_status\` (\`company_id\`, \`status\`), INDEX \`idx_payout_statement_farmer\` (\`farmer_id\`, \`id\`), INDEX \`idx_payout_statement_run_point\` (\`run_id\`, \`point_id\`), UNIQUE INDEX \`uq_payout_statement_account_from\` (\`account_id\`, \`from_entry_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`settlement_cursor\` (\`account_id\` bigint UNSIGNED NOT NULL, \`company_id\` bigint UNSIGNED NOT NULL, \`settled_through_entry_id\` bigint UNSIGNED NOT NULL, PRIMARY KEY (\`account_id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`settlement_run\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`period_key\` varchar(120) NOT NULL, \`cutoff_at\` datetime(3) NOT NULL, \`point_ids\` json NULL, \`status\` varchar(16) NOT NULL, \`statement_count\` int UNSIGNED NOT NULL DEFAULT '0', \`total_fen\` bigint NOT NULL DEFAULT '0', \`min_payout_fen\` bigint NOT NULL, \`created_by\` bigint UNSIGNED NULL, \`approved_by\` bigint UNSIGNED NULL, \`approved_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_settlement_run_period\` (\`company_id\`, \`period_key\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`ALTER TABLE \`farmer\` ADD \`payout_verified_at\` datetime(3) NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`farmer\` DROP COLUMN \`payout_verified_at\``);
        await queryRunner.query(`DROP INDEX \`uq_settlement_run_period\` ON \`settlement_run\``);
        await queryRunner.query(`DROP TABLE \`settlement_run\``);
        await queryRunner.query(`DROP TABLE \`settlement_cursor\``);
        await queryRunner.query(`DROP INDEX \`uq_payout_statement_account_from\` ON \`payout_statement\``);
        await queryRunner.query(`DROP INDEX \`idx_payout_statement_run_point\` ON \`payout_statement\``);
        await queryRunner.query(`DROP INDEX \`idx_payout_statement_farmer\` ON \`payout_statement\``);
        await queryRunner.query(`DROP INDEX \`idx_payout_statement_company_status\` ON \`payout_statement\``);
        await queryRunner.query(`DROP TABLE \`payout_statement\``);
        await queryRunner.query(`DROP INDEX \`uq_payout_statement\` ON \`payout\``);
        await queryRunner.query(`DROP INDEX \`uq_payout_request_no\` ON \`payout\``);
        await queryRunner.query(`DROP INDEX \`idx_payout_farmer_status\` ON \`payout\``);
        await queryRunner.query(`DROP INDEX \`idx_payout_status\` ON \`payout\``);
        await queryRunner.query(`DROP TABLE \`payout\``);
    }

}
