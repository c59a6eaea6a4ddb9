import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes that give each list's rows in id order within its scope, so an export's keyset chunk
 * (`… AND id < ? ORDER BY id DESC LIMIT n`) is one short index range instead of a sort of every
 * matching row (which made a million-row export quadratic).
 */
const INDEXES: Array<[table: string, name: string, columns: string]> = [
  ['consignment', 'idx_consignment_company_id', '`company_id`, `id`'],
  ['consignment', 'idx_consignment_point_id', '`point_id`, `id`'],
  ['down_parcel', 'idx_down_parcel_point_id', '`point_id`, `id`'],
  ['payout_statement', 'idx_payout_statement_company_id', '`company_id`, `id`'],
  ['payout', 'idx_payout_company_id', '`company_id`, `id`'],
];

export class AddExportKeysetIndexes1795435000000 implements MigrationInterface {
  name = 'AddExportKeysetIndexes1795435000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name, columns] of INDEXES) await queryRunner.query(`CREATE INDEX \`${name}\` ON \`${table}\` (${columns})`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name] of [...INDEXES].reverse()) await queryRunner.query(`DROP INDEX \`${name}\` ON \`${table}\``);
  }
}
