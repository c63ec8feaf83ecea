export { dataSourceOptions } from './data-source-options';
export {
  POSTGRES_WRITE_HEAVY_SETTINGS,
  resolveDatabaseServer,
  startEmbeddedPostgres,
} from './embedded-postgres';
export type { DatabaseServer, EmbeddedPostgresOptions } from './embedded-postgres';
export { runMigrationsLocked } from './migrate';
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
