import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateJobRun1795421800512 implements MigrationInterface {
  name = 'CreateJobRun1795421800512';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `job_run` (`id` bigint UNSIGNED NOT NULL AUTO_INCREMENT, `job_name` varchar(64) NOT NULL, `slot` varchar(20) NOT NULL, `status` varchar(12) NOT NULL, `attempts` int UNSIGNED NOT NULL DEFAULT 0, `started_at` datetime(3) NOT NULL, `finished_at` datetime(3) NULL DEFAULT NULL, `outcome` json NULL DEFAULT NULL, `error` varchar(1000) NULL DEFAULT NULL, INDEX `idx_job_run_started` (`started_at`), UNIQUE INDEX `uq_job_run_name_slot` (`job_name`, `slot`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `job_run`');
  }
}
