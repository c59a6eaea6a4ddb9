import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadEnvFile } from '../config/load-env-file';
import { buildDataSourceOptions } from './data-source-options';

loadEnvFile();

/** The DataSource the TypeORM CLI uses (migration:generate, migration:revert). */
export default new DataSource(buildDataSourceOptions());
