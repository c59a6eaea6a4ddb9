import { MigrationInterface, QueryRunner } from 'typeorm';

/** The ledger: accounts with maintained balances, postings unique per source key, immutable entries, commission rules. */

export class CreateLedger1795423647811 implements MigrationInterface {
    name = 'CreateLedger1795423647811'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`commission_rule\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`product_id\` bigint UNSIGNED NOT NULL, \`channel\` varchar(16) NOT NULL, \`agent_mode\` varchar(16) NOT NULL, \`agent_fen_per_unit\` bigint NOT NULL DEFAULT '0', \`unit_size_base\` int UNSIGNED NOT NULL DEFAULT '1', \`agent_basis_points\` int UNSIGNED NOT NULL DEFAULT '0', \`collective_basis_points\` int UNSIGNED NOT NULL DEFAULT '0', \`effective_from\` datetime(3) NOT NULL, \`effective_to\` datetime(3) NULL, \`created_by\` bigint UNSIGNED NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_commission_rule_from\` (\`company_id\`, \`product_id\`, \`channel\`, \`effective_from\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`ledger_account\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`owner_type\` varchar(24) NOT NULL, \`owner_id\` bigint UNSIGNED NOT NULL, \`account_type\` varchar(24) NOT NULL, \`balance_fen\` bigint NOT NULL DEFAULT '0', \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`idx_ledger_account_company_type\` (\`company_id\`, \`account_type\`), UNIQUE INDEX \`uq_ledger_account_owner\` (\`company_id\`, \`owner_type\`, \`owner_id\`, \`account_type\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`ledger_entry\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`posting_id\` bigint UNSIGNED NOT NULL, \`company_id\` bigint UNSIGNED NOT NULL, \`account_id\` bigint UNSIGNED NOT NULL, \`kind\` varchar(24) NOT NULL, \`amount_fen\` bigint NOT NULL, \`point_id\` bigint UNSIGNED NULL, \`product_id\` bigint UNSIGNED NULL, \`grade_code\` varchar(16) NULL, \`quantity_base\` bigint NULL, \`unit_price_fen\` bigint NULL, \`price_unit_size_base\` int UNSIGNED NULL, \`channel\` varchar(16) NULL, \`occurred_at\` datetime(3) NULL, \`description\` varchar(255) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`idx_ledger_entry_company_kind\` (\`company_id\`, \`kind\`, \`created_at\`), INDEX \`idx_ledger_entry_posting\` (\`posting_id\`), INDEX \`idx_ledger_entry_account\` (\`account_id\`, \`id\`, \`kind\`, \`created_at\`, \`amount_fen\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`ledger_posting\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`source_key\` varchar(120) NOT NULL, \`kind\` varchar(24) NOT NULL, \`reverses_posting_id\` bigint UNSIGNED NULL, \`reason\` varchar(255) NULL, \`meta\` json NULL, \`created_by\` bigint UNSIGNED NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`idx_ledger_posting_company\` (\`company_id\`, \`id\`), UNIQUE INDEX \`uq_ledger_posting_source_key\` (\`source_key\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`uq_ledger_posting_source_key\` ON \`ledger_posting\``);
        await queryRunner.query(`DROP INDEX \`idx_ledger_posting_company\` ON \`ledger_posting\``);
        await queryRunner.query(`DROP TABLE \`ledger_posting\``);
        await queryRunner.query(`DROP INDEX \`idx_ledger_entry_account\` ON \`ledger_entry\``);
        await queryRunner.query(`DROP INDEX \`idx_ledger_entry_posting\` ON \`ledger_entry\``);
        await queryRunner.query(`DROP INDEX \`idx_ledger_entry_company_kind\` ON \`ledger_entry\``);
        await queryRunner.query(`DROP TABLE \`ledger_entry\``);
        await queryRunner.query(`DROP INDEX \`uq_ledger_account_owner\` ON \`ledger_account\``);
        await queryRunner.query(`DROP INDEX \`idx_ledger_account_company_type\` ON \`ledger_account\``);
        await queryRunner.query(`DROP TABLE \`ledger_account\``);
        await queryRunner.query(`DROP INDEX \`uq_commission_rule_from\` ON \`commission_rule\``);
        await queryRunner.query(`DROP TABLE \`commission_rule\``);
    }

}
