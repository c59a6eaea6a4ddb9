import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SMS codes get a purpose (LOGIN, PAYOUT_CHANGE) so a code sent for one thing cannot be used for
 * another; lookups go by phone and purpose.
 */
export class AddSmsCodePurpose1795433000000 implements MigrationInterface {
  name = 'AddSmsCodePurpose1795433000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`sms_login_code\` ADD \`purpose\` varchar(16) NOT NULL DEFAULT 'LOGIN'`);
    await queryRunner.query(`CREATE INDEX \`idx_sms_login_code_phone_purpose\` ON \`sms_login_code\` (\`phone\`, \`purpose\`, \`id\`)`);
    await queryRunner.query(`DROP INDEX \`idx_sms_login_code_phone\` ON \`sms_login_code\``);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Without the column every remaining code would read as a login code: drop the others first.
    await queryRunner.query(`DELETE FROM \`sms_login_code\` WHERE \`purpose\` <> 'LOGIN'`);
    await queryRunner.query(`CREATE INDEX \`idx_sms_login_code_phone\` ON \`sms_login_code\` (\`phone\`, \`id\`)`);
    await queryRunner.query(`DROP INDEX \`idx_sms_login_code_phone_purpose\` ON \`sms_login_code\``);
    await queryRunner.query(`ALTER TABLE \`sms_login_code\` DROP COLUMN \`purpose\``);
  }
}
