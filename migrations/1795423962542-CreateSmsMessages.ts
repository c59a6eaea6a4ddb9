import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSmsMessages1795423962542 implements MigrationInterface {
  name = 'CreateSmsMessages1795423962542';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`sms_message\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`source_key\` varchar(100) NOT NULL, \`recipient_phone\` char(11) NOT NULL, \`recipient_role\` varchar(16) NOT NULL, \`company_id\` bigint UNSIGNED NULL, \`farmer_id\` bigint UNSIGNED NULL, \`template\` varchar(40) NOT NULL, \`params\` json NOT NULL, \`body\` varchar(500) NOT NULL, \`status\` varchar(16) NOT NULL, \`provider\` varchar(16) NULL, \`provider_message_id\` varchar(64) NULL, \`attempts\` smallint UNSIGNED NOT NULL DEFAULT '0', \`deferrals\` smallint UNSIGNED NOT NULL DEFAULT '0', \`last_error\` varchar(500) NULL, \`scheduled_at\` datetime(3) NULL, \`sent_at\` datetime(3) NULL, \`delivered_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`idx_sms_message_provider_id\` (\`provider_message_id\`), INDEX \`idx_sms_message_phone\` (\`recipient_phone\`, \`id\`), INDEX \`idx_sms_message_status\` (\`status\`, \`id\`), UNIQUE INDEX \`uq_sms_message_source\` (\`source_key\`, \`recipient_phone\`, \`template\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`sms_login_code\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`phone\` char(11) NOT NULL, \`farmer_id\` bigint UNSIGNED NOT NULL, \`code_hash\` char(64) NOT NULL, \`expires_at\` datetime(3) NOT NULL, \`failed_attempts\` tinyint UNSIGNED NOT NULL DEFAULT '0', \`consumed_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`idx_sms_login_code_phone\` (\`phone\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`sms_login_code\``);
    await queryRunner.query(`DROP TABLE \`sms_message\``);
  }
}
