import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddFarmerFamilyPhone1795423962600 implements MigrationInterface {
  name = 'AddFarmerFamilyPhone1795423962600';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`farmer\` ADD \`family_phone\` char(11) NULL DEFAULT NULL`);
    await queryRunner.query(`CREATE INDEX \`idx_down_parcel_recipient_farmer\` ON \`down_parcel\` (\`recipient_farmer_id\`, \`status\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_down_parcel_recipient_farmer\` ON \`down_parcel\``);
    await queryRunner.query(`ALTER TABLE \`farmer\` DROP COLUMN \`family_phone\``);
  }
}
