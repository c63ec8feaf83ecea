export { dataSourceOptions } from './data-source-options';
export type { SessionLimits } from './data-source-options';
export {
  DATABASE_RETRY_AFTER_SECONDS,
  databaseUnavailability,
  DatabaseUnavailableFilter,
} from './database-unavailable.filter';
export type { DatabaseUnavailability } from './database-unavailable.filter';
export {
  POSTGRES_WRITE_HEAVY_SETTINGS,
  resolveDatabaseServer,
  startEmbeddedPostgres,
} from './embedded-postgres';
export type { DatabaseServer, EmbeddedPostgresOptions } from './embedded-postgres';
export { MIGRATION_LOCK_KEY, runMigrationsLocked } from './migrate';
export { PersistenceModule } from './persistence.module';
export type { PersistenceOptions } from './persistence.module';
export { isDeadlock, retriedTransaction, sqlStateOf } from './retried-transaction';
export {
  JSON_RECORDS,
  JSONB_ELEMENT_ROWS,
  JSONB_ELEMENTS,
  jsonFromBytes,
  jsonRecords,
} from './json-rows';
