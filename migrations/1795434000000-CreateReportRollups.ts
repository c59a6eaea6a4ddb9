import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Daily roll-ups behind the dashboards (src/reports/). Every sum roll-up has one key shape:
 * (company, node_kind P|R|C, node_id, period D|M, day, …dimensions): a row per point, per region above
 * it and for the whole company, per day and per month, so a dashboard reads days × dimensions rows
 * whatever the number of points or base rows under it. Farmer counts over a range are distinct counts,
 * kept as one row per (node, year, farmer) with a bitmap of the days of the year.
 */
const NODE_KEY = 'company_id bigint UNSIGNED NOT NULL, node_kind char(1) NOT NULL, node_id bigint UNSIGNED NOT NULL, period char(1) NOT NULL, day date NOT NULL';
const KEY_COLUMNS = 'company_id, node_kind, node_id, period, day';

const SUM_TABLES: Array<{ table: string; dims: Array<[string, string]>; measures: string[] }> = [
  { table: 'rpt_intake', dims: [['product_id', 'bigint UNSIGNED'], ['grade_code', 'varchar(16)']], measures: ['line_count', 'quantity_base', 'amount_fen'] },
  { table: 'rpt_qc', dims: [['product_id', 'bigint UNSIGNED']], measures: ['line_count', 'delivered_base', 'inspected_line_count', 'accepted_base', 'rejected_base'] },
  { table: 'rpt_qc_reject', dims: [['product_id', 'bigint UNSIGNED'], ['reason', 'varchar(16)']], measures: ['line_count', 'quantity_base'] },
  { table: 'rpt_transit_loss', dims: [['product_id', 'bigint UNSIGNED'], ['cause', 'varchar(16)']], measures: ['loss_count', 'quantity_base'] },
  {
    table: 'rpt_sales', dims: [['channel_kind', 'varchar(16)']],
    measures: ['allocation_count', 'units_base', 'revenue_fen', 'farmer_fen', 'commission_fen', 'refunded_units_base', 'refunded_farmer_fen'],
  },
  {
    table: 'rpt_earnings', dims: [['hardship', 'tinyint']],
    measures: ['earned_fen', 'adjustments_fen', 'balance_change_fen', 'settled_fen', 'statement_count', 'paid_fen', 'payout_count'],
  },
  { table: 'rpt_commission', dims: [['beneficiary_type', 'varchar(24)'], ['beneficiary_id', 'bigint UNSIGNED']], measures: ['amount_fen', 'entry_count'] },
  // farmer income per village under every node: the top-villages ranking reads one node's rows
  { table: 'rpt_village_income', dims: [['village_id', 'bigint UNSIGNED'], ['hardship', 'tinyint']], measures: ['earned_fen'] },
];

const WORDS = [0, 1, 2, 3, 4, 5];

export class CreateReportRollups1795434000000 implements MigrationInterface {
  name = 'CreateReportRollups1795434000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const t of SUM_TABLES) {
      const dims = t.dims.map(([c, type]) => `\`${c}\` ${type} NOT NULL`).join(', ');
      // signed BIGINT measures: the month rows are maintained by subtracting a day's old figures
      const measures = t.measures.map((m) => `\`${m}\` bigint NOT NULL DEFAULT 0`).join(', ');
      await queryRunner.query(
        `CREATE TABLE \`${t.table}\` (${NODE_KEY}, ${dims}, ${measures},
          PRIMARY KEY (${KEY_COLUMNS}, ${t.dims.map(([c]) => c).join(', ')}),
          INDEX \`idx_${t.table}_day\` (company_id, period, day)) ENGINE=InnoDB`,
      );
    }
    await queryRunner.query(
      `CREATE TABLE \`rpt_point_region\` (company_id bigint UNSIGNED NOT NULL, point_id bigint UNSIGNED NOT NULL, region_id bigint UNSIGNED NOT NULL,
        PRIMARY KEY (company_id, point_id, region_id)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`rpt_farmer_day\` (company_id bigint UNSIGNED NOT NULL, day date NOT NULL, point_id bigint UNSIGNED NOT NULL, farmer_id bigint UNSIGNED NOT NULL,
        hardship tinyint NOT NULL DEFAULT 0, served tinyint NOT NULL DEFAULT 0, active tinyint NOT NULL DEFAULT 0,
        PRIMARY KEY (company_id, day, point_id, farmer_id)) ENGINE=InnoDB`,
    );
    // a node's rows in farmer order: a range over two years folds each farmer's rows without sorting
    const words = WORDS.map((w) => `served_w${w} bigint UNSIGNED NOT NULL DEFAULT 0, active_w${w} bigint UNSIGNED NOT NULL DEFAULT 0`).join(', ');
    await queryRunner.query(
      `CREATE TABLE \`rpt_farmer_year\` (company_id bigint UNSIGNED NOT NULL, node_kind char(1) NOT NULL, node_id bigint UNSIGNED NOT NULL,
        year smallint UNSIGNED NOT NULL, farmer_id bigint UNSIGNED NOT NULL, hardship tinyint NOT NULL DEFAULT 0, ${words},
        PRIMARY KEY (company_id, node_kind, node_id, farmer_id, year),
        INDEX idx_rpt_farmer_year_farmer (company_id, year, farmer_id)) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`rpt_rollup_day\` (company_id bigint UNSIGNED NOT NULL, day date NOT NULL, computed_at datetime(3) NULL, duration_ms int UNSIGNED NULL,
        PRIMARY KEY (company_id, day)) ENGINE=InnoDB`,
    );
    // lookups of one business day's base rows by the roll-up job
    await queryRunner.query('CREATE INDEX `idx_payout_statement_company_created` ON `payout_statement` (company_id, created_at)');
    await queryRunner.query('CREATE INDEX `idx_payout_company_paid` ON `payout` (company_id, paid_at)');
    await queryRunner.query('CREATE INDEX `idx_transit_loss_created` ON `transit_loss` (created_at)');
    await queryRunner.query('CREATE INDEX `idx_sale_refund_company_created` ON `sale_refund` (company_id, created_at)');
    // the stock dashboard reads only lots that still hold packs
    await queryRunner.query('CREATE INDEX `idx_lot_warehouse_stock` ON `lot` (warehouse_id, on_hand_packs)');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `idx_lot_warehouse_stock` ON `lot`');
    await queryRunner.query('DROP INDEX `idx_sale_refund_company_created` ON `sale_refund`');
    await queryRunner.query('DROP INDEX `idx_transit_loss_created` ON `transit_loss`');
    await queryRunner.query('DROP INDEX `idx_payout_company_paid` ON `payout`');
    await queryRunner.query('DROP INDEX `idx_payout_statement_company_created` ON `payout_statement`');
    await queryRunner.query('DROP TABLE `rpt_rollup_day`');
    await queryRunner.query('DROP TABLE `rpt_farmer_year`');
    await queryRunner.query('DROP TABLE `rpt_farmer_day`');
    await queryRunner.query('DROP TABLE `rpt_point_region`');
    for (const t of [...SUM_TABLES].reverse()) await queryRunner.query(`DROP TABLE \`${t.table}\``);
  }
}
