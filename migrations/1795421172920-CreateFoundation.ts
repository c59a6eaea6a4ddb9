import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateFoundation1795421172920 implements MigrationInterface {
    name = 'CreateFoundation1795421172920'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE \`audit_log\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`actor_kind\` varchar(8) NOT NULL, \`actor_id\` bigint UNSIGNED NULL, \`actor_role\` varchar(24) NULL, \`entity_type\` varchar(64) NOT NULL, \`entity_id\` varchar(64) NOT NULL, \`action\` varchar(32) NOT NULL, \`changes\` json NOT NULL, \`reason\` varchar(255) NULL, \`request_id\` varchar(64) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`idx_audit_log_actor\` (\`actor_kind\`, \`actor_id\`), INDEX \`idx_audit_log_entity\` (\`entity_type\`, \`entity_id\`), INDEX \`idx_audit_log_company_id\` (\`company_id\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`refresh_token\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`token_hash\` char(64) NOT NULL, \`family_id\` char(36) NOT NULL, \`principal_kind\` varchar(8) NOT NULL, \`principal_id\` bigint UNSIGNED NOT NULL, \`expires_at\` datetime(3) NOT NULL, \`revoked_at\` datetime(3) NULL, \`replaced_by_id\` bigint UNSIGNED NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_refresh_token_hash\` (\`token_hash\`), INDEX \`idx_refresh_token_family\` (\`family_id\`), INDEX \`idx_refresh_token_principal\` (\`principal_kind\`, \`principal_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`commerce_point\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`region_id\` bigint UNSIGNED NOT NULL, \`region_path\` varchar(255) NOT NULL, \`code\` varchar(16) NOT NULL, \`name\` varchar(100) NOT NULL, \`service_center_name\` varchar(100) NOT NULL, \`address\` varchar(255) NOT NULL, \`contact_phone\` varchar(20) NOT NULL, \`opening_hours\` varchar(100) NOT NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX \`idx_commerce_point_region_path\` (\`company_id\`, \`region_path\`), UNIQUE INDEX \`uq_commerce_point_company_code\` (\`company_id\`, \`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`company\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`code\` varchar(32) NOT NULL, \`name\` varchar(100) NOT NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_company_code\` (\`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`region\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`parent_id\` bigint UNSIGNED NULL, \`level\` varchar(16) NOT NULL, \`code\` varchar(12) NOT NULL, \`name\` varchar(64) NOT NULL, \`path\` varchar(255) NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_region_code\` (\`code\`), INDEX \`idx_region_path\` (\`path\`), INDEX \`idx_region_parent\` (\`parent_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`warehouse\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`region_id\` bigint UNSIGNED NULL, \`code\` varchar(16) NOT NULL, \`name\` varchar(100) NOT NULL, \`address\` varchar(255) NOT NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_warehouse_company_code\` (\`company_id\`, \`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`outbox_event\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`event_type\` varchar(64) NOT NULL, \`aggregate_type\` varchar(64) NOT NULL, \`aggregate_id\` varchar(64) NOT NULL, \`payload\` json NOT NULL, \`status\` varchar(8) NOT NULL DEFAULT 'PENDING', \`relay_attempts\` int UNSIGNED NOT NULL DEFAULT '0', \`last_error\` varchar(500) NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`sent_at\` datetime(3) NULL, INDEX \`idx_outbox_event_aggregate\` (\`aggregate_type\`, \`aggregate_id\`), INDEX \`idx_outbox_event_status_id\` (\`status\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`staff_user\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`company_id\` bigint UNSIGNED NOT NULL, \`username\` varchar(64) NOT NULL, \`display_name\` varchar(64) NOT NULL, \`phone\` varchar(20) NULL, \`password_hash\` varchar(255) NOT NULL, \`role\` varchar(24) NOT NULL, \`region_id\` bigint UNSIGNED NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \`updated_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), UNIQUE INDEX \`uq_staff_user_username\` (\`username\`), INDEX \`idx_staff_user_company_role\` (\`company_id\`, \`role\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`user_point_assignment\` (\`user_id\` bigint UNSIGNED NOT NULL, \`point_id\` bigint UNSIGNED NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`idx_user_point_assignment_point\` (\`point_id\`), PRIMARY KEY (\`user_id\`, \`point_id\`)) ENGINE=InnoDB`);
        await queryRunner.query(`CREATE TABLE \`user_warehouse_assignment\` (\`user_id\` bigint UNSIGNED NOT NULL, \`warehouse_id\` bigint UNSIGNED NOT NULL, \`created_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`idx_user_warehouse_assignment_warehouse\` (\`warehouse_id\`), PRIMARY KEY (\`user_id\`, \`warehouse_id\`)) ENGINE=InnoDB`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX \`idx_user_warehouse_assignment_warehouse\` ON \`user_warehouse_assignment\``);
        await queryRunner.query(`DROP TABLE \`user_warehouse_assignment\``);
        await queryRunner.query(`DROP INDEX \`idx_user_point_assignment_point\` ON \`user_point_assignment\``);
        await queryRunner.query(`DROP TABLE \`user_point_assignment\``);
        await queryRunner.query(`DROP INDEX \`idx_staff_user_company_role\` ON \`staff_user\``);
        await queryRunner.query(`DROP INDEX \`uq_staff_user_username\` ON \`staff_user\``);
        await queryRunner.query(`DROP TABLE \`staff_user\``);
        await queryRunner.query(`DROP INDEX \`idx_outbox_event_status_id\` ON \`outbox_event\``);
        await queryRunner.query(`DROP INDEX \`idx_outbox_event_aggregate\` ON \`outbox_event\``);
        await queryRunner.query(`DROP TABLE \`outbox_event\``);
        await queryRunner.query(`DROP INDEX \`uq_warehouse_company_code\` ON \`warehouse\``);
        await queryRunner.query(`DROP TABLE \`warehouse\``);
        await queryRunner.query(`DROP INDEX \`idx_region_parent\` ON \`region\``);
        await queryRunner.query(`DROP INDEX \`idx_region_path\` ON \`region\``);
        await queryRunner.query(`DROP INDEX \`uq_region_code\` ON \`region\``);
        await queryRunner.query(`DROP TABLE \`region\``);
        await queryRunner.query(`DROP INDEX \`uq_company_code\` ON \`company\``);
        await queryRunner.query(`DROP TABLE \`company\``);
        await queryRunner.query(`DROP INDEX \`uq_commerce_point_company_code\` ON \`commerce_point\``);
        await queryRunner.query(`DROP INDEX \`idx_commerce_point_region_path\` ON \`commerce_point\``);
        await queryRunner.query(`DROP TABLE \`commerce_point\``);
        await queryRunner.query(`DROP INDEX \`idx_refresh_token_principal\` ON \`refresh_token\``);
        await queryRunner.query(`DROP INDEX \`idx_refresh_token_family\` ON \`refresh_token\``);
        await queryRunner.query(`DROP INDEX \`uq_refresh_token_hash\` ON \`refresh_token\``);
        await queryRunner.query(`DROP TABLE \`refresh_token\``);
        await queryRunner.query(`DROP INDEX \`idx_audit_log_company_id\` ON \`audit_log\``);
        await queryRunner.query(`DROP INDEX \`idx_audit_log_entity\` ON \`audit_log\``);
        await queryRunner.query(`DROP INDEX \`idx_audit_log_actor\` ON \`audit_log\``);
        await queryRunner.query(`DROP TABLE \`audit_log\``);
    }

}
