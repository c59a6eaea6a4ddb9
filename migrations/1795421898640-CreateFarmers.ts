import { MigrationInterface, QueryRunner } from 'typeorm';

/** The farmer registry (农户): phone unique per company, ID number as ciphertext + blind index + last 4. */

export class CreateFarmers1795421898640 implements MigrationInterface {
    name = 'CreateFarmers1795421898640'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`farmer\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`name\` varchar(50) NOT NULL, \`phone\` char(11) NOT NULL, \`village_region_id\` bigint UNSIGNED NOT NULL, \`usual_point_id\` bigint UNSIGNED NOT NULL, \`id_number_cipher\` varchar(128) NULL, \`id_number_hash\` char(64) NULL, \`id_number_last4\` char(4) NULL, \`payout_method\` varchar(16) NOT NULL, \`payout_bank_name\` varchar(50) NULL, \`payout_account_cipher\` varchar(128) NULL, \`payout_account_last4\` char(4) NULL, \`sms_consent\` tinyint NOT NULL DEFAULT 0, \`hardship\` tinyint NOT NULL DEFAULT 0, \`active\` tinyint NOT NULL DEFAULT 1, \`created_by\` bigint UNSIGNED NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`idx_farmer_usual_point\` (\`usual_point_id\`), INDEX \`idx_farmer_company_name\` (\`company_id\`, \`name\`), INDEX \`idx_farmer_company_id_last4\` (\`company_id\`, \`id_number_last4\`), UNIQUE INDEX \`uq_farmer_company_id_number\` (\`company_id\`, \`id_number_hash\`), UNIQUE INDEX \`uq_farmer_company_phone\` (\`company_id\`, \`phone\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`uq_farmer_company_phone\` ON \`farmer\``);
        await queryRunner.query(`DROP INDEX \`uq_farmer_company_id_number\` ON \`farmer\``);
        await queryRunner.query(`DROP INDEX \`idx_farmer_company_id_last4\` ON \`farmer\``);
        await queryRunner.query(`DROP INDEX \`idx_farmer_company_name\` ON \`farmer\``);
        await queryRunner.query(`DROP INDEX \`idx_farmer_usual_point\` ON \`farmer\``);
        await queryRunner.query(`DROP TABLE \`farmer\``);
    }

}
