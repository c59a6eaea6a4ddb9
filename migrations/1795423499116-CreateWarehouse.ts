import { MigrationInterface, QueryRunner } from 'typeorm';

/** Batches (items, requests, receipts, transit losses, chargebacks), SKUs, processing, lots, provenance, stock adjustments; trace-name consent. */

export class CreateWarehouse1795423499116 implements MigrationInterface {
    name = 'CreateWarehouse1795423499116'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`batch_item\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`batch_id\` bigint UNSIGNED NOT NULL, \`consignment_line_id\` bigint UNSIGNED NOT NULL, \`consignment_id\` bigint UNSIGNED NOT NULL, \`farmer_id\` bigint UNSIGNED NOT NULL, \`product_id\` bigint UNSIGNED NOT NULL, \`quantity_base\` int UNSIGNED NOT NULL, \`received_base\` int UNSIGNED NOT NULL DEFAULT '0', \`damaged_base\` int UNSIGNED NOT NULL DEFAULT '0', \`lost_base\` int UNSIGNED NOT NULL DEFAULT '0', \`surplus_base\` int UNSIGNED NOT NULL DEFAULT '0', \`surplus_reason\` varchar(255) NULL, \`accounted\` tinyint NOT NULL DEFAULT 0, \`processed_base\` int UNSIGNED NOT NULL DEFAULT '0', \`charged_back_base\` int UNSIGNED NOT NULL DEFAULT '0', INDEX \`idx_batch_item_line\` (\`consignment_line_id\`), UNIQUE INDEX \`uq_batch_item_line\` (\`batch_id\`, \`consignment_line_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`batch_receipt\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`batch_id\` bigint UNSIGNED NOT NULL, \`request_id\` char(36) NOT NULL, \`received_by\` bigint UNSIGNED NOT NULL, \`line_count\` smallint UNSIGNED NOT NULL, \`note\` varchar(255) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`idx_batch_receipt_batch\` (\`batch_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`batch_receipt_line\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`receipt_id\` bigint UNSIGNED NOT NULL, \`batch_item_id\` bigint UNSIGNED NOT NULL, \`received_base\` int UNSIGNED NOT NULL, \`damaged_base\` int UNSIGNED NOT NULL, \`lost_base\` int UNSIGNED NOT NULL, INDEX \`idx_batch_receipt_line_item\` (\`batch_item_id\`), INDEX \`idx_batch_receipt_line_receipt\` (\`receipt_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`batch_request\` (\`request_id\` char(36) NOT NULL, \`batch_id\` bigint UNSIGNED NOT NULL, \`kind\` varchar(16) NOT NULL, \`request_hash\` char(64) NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), PRIMARY KEY (\`request_id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`batch\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`point_id\` bigint UNSIGNED NOT NULL, \`warehouse_id\` bigint UNSIGNED NOT NULL, \`client_id\` char(36) NOT NULL, \`batch_no\` varchar(48) NULL, \`status\` varchar(16) NOT NULL, \`note\` varchar(255) NULL, \`created_by\` bigint UNSIGNED NOT NULL, \`sealed_at\` datetime(3) NULL, \`sealed_by\` bigint UNSIGNED NULL, \`manifest_totals\` json NULL, \`dispatched_at\` datetime(3) NULL, \`dispatched_by\` bigint UNSIGNED NULL, \`vehicle_plate\` varchar(16) NULL, \`driver_name\` varchar(50) NULL, \`driver_phone\` varchar(20) NULL, \`carrier_kind\` varchar(16) NULL, \`carrier_name\` varchar(100) NULL, \`departed_at\` datetime(3) NULL, \`receiving_started_at\` datetime(3) NULL, \`received_at\` datetime(3) NULL, \`closed_at\` datetime(3) NULL, \`closed_by\` bigint UNSIGNED NULL, \`cancelled_at\` datetime(3) NULL, \`cancelled_by\` bigint UNSIGNED NULL, \`cancel_reason\` varchar(255) NULL, \`stale_alerted_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`idx_batch_status_dispatched\` (\`status\`, \`dispatched_at\`), INDEX \`idx_batch_warehouse_status\` (\`warehouse_id\`, \`status\`), INDEX \`idx_batch_point_status\` (\`point_id\`, \`status\`), UNIQUE INDEX \`uq_batch_client_id\` (\`client_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`chargeback\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`request_id\` char(36) NULL, \`company_id\` bigint UNSIGNED NOT NULL, \`batch_id\` bigint UNSIGNED NOT NULL, \`batch_item_id\` bigint UNSIGNED NOT NULL, \`consignment_line_id\` bigint UNSIGNED NOT NULL, \`farmer_id\` bigint UNSIGNED NOT NULL, \`product_id\` bigint UNSIGNED NOT NULL, \`kind\` varchar(16) NOT NULL, \`quantity_base\` int UNSIGNED NOT NULL, \`amount_fen\` bigint NOT NULL, \`reason\` varchar(255) NOT NULL, \`evidence_note\` varchar(1000) NULL, \`evidence_photos\` json NOT NULL, \`recorded_by\` bigint UNSIGNED NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`idx_chargeback_farmer\` (\`farmer_id\`), INDEX \`idx_chargeback_line\` (\`consignment_line_id\`), INDEX \`idx_chargeback_batch\` (\`batch_id\`), UNIQUE INDEX \`uq_chargeback_request\` (\`request_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`transit_loss\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`batch_id\` bigint UNSIGNED NOT NULL, \`batch_item_id\` bigint UNSIGNED NOT NULL, \`receipt_id\` bigint UNSIGNED NOT NULL, \`consignment_line_id\` bigint UNSIGNED NOT NULL, \`farmer_id\` bigint UNSIGNED NOT NULL, \`product_id\` bigint UNSIGNED NOT NULL, \`cause\` varchar(16) NOT NULL, \`quantity_base\` int UNSIGNED NOT NULL, \`bearer\` varchar(16) NOT NULL, \`note\` varchar(255) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`idx_transit_loss_line\` (\`consignment_line_id\`), INDEX \`idx_transit_loss_batch\` (\`batch_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`lot\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`warehouse_id\` bigint UNSIGNED NOT NULL, \`sku_id\` bigint UNSIGNED NOT NULL, \`product_id\` bigint UNSIGNED NOT NULL, \`processing_id\` bigint UNSIGNED NOT NULL, \`lot_no\` varchar(32) NULL, \`trace_code\` char(12) NOT NULL, \`packs_produced\` int UNSIGNED NOT NULL, \`on_hand_packs\` int UNSIGNED NOT NULL, \`reserved_packs\` int UNSIGNED NOT NULL DEFAULT '0', \`expired_packs\` int UNSIGNED NOT NULL DEFAULT '0', \`earliest_intake_at\` datetime(3) NOT NULL, \`best_before\` date NOT NULL, \`packed_at\` datetime(3) NOT NULL, \`near_best_before_alerted_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`idx_lot_processing\` (\`processing_id\`), INDEX \`idx_lot_best_before\` (\`best_before\`), INDEX \`idx_lot_fefo\` (\`warehouse_id\`, \`sku_id\`, \`best_before\`), UNIQUE INDEX \`uq_lot_trace_code\` (\`trace_code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`lot_provenance\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`lot_id\` bigint UNSIGNED NOT NULL, \`consignment_line_id\` bigint UNSIGNED NOT NULL, \`farmer_id\` bigint UNSIGNED NOT NULL, \`batch_item_id\` bigint UNSIGNED NOT NULL, \`quantity_base\` int UNSIGNED NOT NULL, INDEX \`idx_lot_provenance_line\` (\`consignment_line_id\`), INDEX \`idx_lot_provenance_lot\` (\`lot_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`stock_adjustment\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`lot_id\` bigint UNSIGNED NOT NULL, \`warehouse_id\` bigint UNSIGNED NOT NULL, \`request_id\` char(36) NOT NULL, \`kind\` varchar(20) NOT NULL, \`delta_packs\` int NOT NULL, \`reason\` varchar(255) NOT NULL, \`actor_id\` bigint UNSIGNED NULL, \`adjusted_at\` datetime(3) NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`idx_stock_adjustment_lot\` (\`lot_id\`), UNIQUE INDEX \`uq_stock_adjustment_request\` (\`request_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`processing_record\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`warehouse_id\` bigint UNSIGNED NOT NULL, \`request_id\` char(36) NOT NULL, \`request_hash\` char(64) NOT NULL, \`kind\` varchar(16) NOT NULL, \`product_id\` bigint UNSIGNED NOT NULL, \`input_base\` int UNSIGNED NOT NULL, \`output_base\` int UNSIGNED NOT NULL, \`loss_base\` int UNSIGNED NOT NULL, \`loss_reason\` varchar(255) NULL, \`note\` varchar(255) NULL, \`processed_at\` datetime(3) NOT NULL, \`processed_by\` bigint UNSIGNED NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`idx_processing_warehouse\` (\`warehouse_id\`, \`processed_at\`), UNIQUE INDEX \`uq_processing_request\` (\`request_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`processing_input\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`processing_id\` bigint UNSIGNED NOT NULL, \`batch_item_id\` bigint UNSIGNED NOT NULL, \`consignment_line_id\` bigint UNSIGNED NOT NULL, \`farmer_id\` bigint UNSIGNED NOT NULL, \`quantity_base\` int UNSIGNED NOT NULL, INDEX \`idx_processing_input_item\` (\`batch_item_id\`), INDEX \`idx_processing_input_record\` (\`processing_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`sku\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`product_id\` bigint UNSIGNED NOT NULL, \`code\` varchar(32) NOT NULL, \`name\` varchar(100) NOT NULL, \`content_unit\` varchar(8) NOT NULL, \`content_base_per_pack\` int UNSIGNED NOT NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`idx_sku_product\` (\`product_id\`), UNIQUE INDEX \`uq_sku_company_code\` (\`company_id\`, \`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`ALTER TABLE \`farmer\` ADD \`show_name_on_trace\` tinyint NOT NULL DEFAULT 0`);
        // A quantity can never be batched twice: the database refuses a counter above the accepted quantity.
        await queryRunner.query(`ALTER TABLE \`consignment_line\` ADD CONSTRAINT \`chk_consignment_line_batched\` CHECK (\`batched_quantity_base\` <= \`accepted_quantity_base\`)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE \`consignment_line\` DROP CONSTRAINT \`chk_consignment_line_batched\``);
        await queryRunner.query(`ALTER TABLE \`farmer\` DROP COLUMN \`show_name_on_trace\``);
        await queryRunner.query(`DROP INDEX \`uq_sku_company_code\` ON \`sku\``);
        await queryRunner.query(`DROP INDEX \`idx_sku_product\` ON \`sku\``);
        await queryRunner.query(`DROP TABLE \`sku\``);
        await queryRunner.query(`DROP INDEX \`idx_processing_input_record\` ON \`processing_input\``);
        await queryRunner.query(`DROP INDEX \`idx_processing_input_item\` ON \`processing_input\``);
        await queryRunner.query(`DROP TABLE \`processing_input\``);
        await queryRunner.query(`DROP INDEX \`uq_processing_request\` ON \`processing_record\``);
        await queryRunner.query(`DROP INDEX \`idx_processing_warehouse\` ON \`processing_record\``);
        await queryRunner.query(`DROP TABLE \`processing_record\``);
        await queryRunner.query(`DROP INDEX \`uq_stock_adjustment_request\` ON \`stock_adjustment\``);
        await queryRunner.query(`DROP INDEX \`idx_stock_adjustment_lot\` ON \`stock_adjustment\``);
        await queryRunner.query(`DROP TABLE \`stock_adjustment\``);
        await queryRunner.query(`DROP INDEX \`idx_lot_provenance_lot\` ON \`lot_provenance\``);
        await queryRunner.query(`DROP INDEX \`idx_lot_provenance_line\` ON \`lot_provenance\``);
        await queryRunner.query(`DROP TABLE \`lot_provenance\``);
        await queryRunner.query(`DROP INDEX \`uq_lot_trace_code\` ON \`lot\``);
        await queryRunner.query(`DROP INDEX \`idx_lot_fefo\` ON \`lot\``);
        await queryRunner.query(`DROP INDEX \`idx_lot_best_before\` ON \`lot\``);
        await queryRunner.query(`DROP INDEX \`idx_lot_processing\` ON \`lot\``);
        await queryRunner.query(`DROP TABLE \`lot\``);
        await queryRunner.query(`DROP INDEX \`idx_transit_loss_batch\` ON \`transit_loss\``);
        await queryRunner.query(`DROP INDEX \`idx_transit_loss_line\` ON \`transit_loss\``);
        await queryRunner.query(`DROP TABLE \`transit_loss\``);
        await queryRunner.query(`DROP INDEX \`uq_chargeback_request\` ON \`chargeback\``);
        await queryRunner.query(`DROP INDEX \`idx_chargeback_batch\` ON \`chargeback\``);
        await queryRunner.query(`DROP INDEX \`idx_chargeback_line\` ON \`chargeback\``);
        await queryRunner.query(`DROP INDEX \`idx_chargeback_farmer\` ON \`chargeback\``);
        await queryRunner.query(`DROP TABLE \`chargeback\``);
        await queryRunner.query(`DROP INDEX \`uq_batch_client_id\` ON \`batch\``);
        await queryRunner.query(`DROP INDEX \`idx_batch_point_status\` ON \`batch\``);
        await queryRunner.query(`DROP INDEX \`idx_batch_warehouse_status\` ON \`batch\``);
        await queryRunner.query(`DROP INDEX \`idx_batch_status_dispatched\` ON \`batch\``);
        await queryRunner.query(`DROP TABLE \`batch\``);
        await queryRunner.query(`DROP TABLE \`batch_request\``);
        await queryRunner.query(`DROP INDEX \`idx_batch_receipt_line_receipt\` ON \`batch_receipt_line\``);
        await queryRunner.query(`DROP INDEX \`idx_batch_receipt_line_item\` ON \`batch_receipt_line\``);
        await queryRunner.query(`DROP TABLE \`batch_receipt_line\``);
        await queryRunner.query(`DROP INDEX \`idx_batch_receipt_batch\` ON \`batch_receipt\``);
        await queryRunner.query(`DROP TABLE \`batch_receipt\``);
        await queryRunner.query(`DROP INDEX \`uq_batch_item_line\` ON \`batch_item\``);
        await queryRunner.query(`DROP INDEX \`idx_batch_item_line\` ON \`batch_item\``);
        await queryRunner.query(`DROP TABLE \`batch_item\``);
    }

}
