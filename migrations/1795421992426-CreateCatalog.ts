import { MigrationInterface, QueryRunner } from 'typeorm';

/** The product catalog (units, grades, QC checklist on the product) and the farmer price history. */

export class CreateCatalog1795421992426 implements MigrationInterface {
    name = 'CreateCatalog1795421992426'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`product_price\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`product_id\` bigint UNSIGNED NOT NULL, \`grade_code\` varchar(16) NOT NULL, \`unit_name\` varchar(8) NOT NULL, \`unit_size_base\` int UNSIGNED NOT NULL, \`price_fen\` bigint NOT NULL, \`effective_from\` datetime(3) NOT NULL, \`effective_to\` datetime(3) NULL, \`created_by\` bigint UNSIGNED NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_product_price_grade_from\` (\`product_id\`, \`grade_code\`, \`effective_from\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`product\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`code\` varchar(32) NOT NULL, \`name\` varchar(50) NOT NULL, \`category\` varchar(32) NOT NULL, \`base_unit\` varchar(8) NOT NULL, \`units\` json NOT NULL, \`grades\` json NOT NULL, \`qc_checklist\` json NOT NULL, \`shelf_life_days\` int UNSIGNED NOT NULL, \`settlement_mode\` varchar(16) NOT NULL, \`max_quantity_base_per_line\` int UNSIGNED NOT NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`idx_product_company_category\` (\`company_id\`, \`category\`), UNIQUE INDEX \`uq_product_company_code\` (\`company_id\`, \`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`uq_product_company_code\` ON \`product\``);
        await queryRunner.query(`DROP INDEX \`idx_product_company_category\` ON \`product\``);
        await queryRunner.query(`DROP TABLE \`product\``);
        await queryRunner.query(`DROP INDEX \`uq_product_price_grade_from\` ON \`product_price\``);
        await queryRunner.query(`DROP TABLE \`product_price\``);
    }

}
