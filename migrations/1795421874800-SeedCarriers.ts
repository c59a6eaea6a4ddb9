import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reference data: the national carriers serving villages. Waybill hints only warn (carriers publish
 * no formats and change them), so they are deliberately loose.
 */
const CARRIERS: Array<[code: string, name: string, hint: string | null]> = [
  ['EMS', '中国邮政/EMS', '^(E[A-Z]\\d{9}CN|\\d{13}|1\\d{12})$'],
  ['SF', '顺丰速运', '^SF\\d{12,15}$'],
  ['ZTO', '中通快递', '^\\d{12,15}$'],
  ['YTO', '圆通速递', '^YT\\d{13,15}$'],
  ['STO', '申通快递', '^\\d{12,15}$'],
  ['YD', '韵达快递', '^\\d{13,15}$'],
  ['JT', '极兔速递', '^JT\\d{13}$'],
  ['JD', '京东快递', '^JD[A-Z0-9]{11,16}$'],
  ['DB', '德邦快递', '^(DPK)?\\d{9,15}$'],
];

export class SeedCarriers1795421874800 implements MigrationInterface {
  name = 'SeedCarriers1795421874800';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [code, name, hint] of CARRIERS) {
      await queryRunner.query('INSERT INTO `carrier` (`code`, `name`, `waybill_hint`, `active`) VALUES (?, ?, ?, 1)', [code, name, hint]);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM \`carrier\` WHERE \`code\` IN (${CARRIERS.map(() => '?').join(', ')})`, CARRIERS.map(([code]) => code));
  }
}
