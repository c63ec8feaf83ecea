import type { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import { MODEL_ENTITIES } from '@hub/model';
import { MIGRATIONS } from './migrations';

/** The one way a hub process (or the TypeORM CLI) describes its PostgreSQL connection. */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: MODEL_ENTITIES,
    migrations: MIGRATIONS,
    namingStrategy: new SnakeNamingStrategy(),
    // The schema only ever changes through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    // gen_random_uuid() is built into PostgreSQL 13+: no extension (and no superuser) needed.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    // At least 2: runMigrationsLocked holds its advisory lock on one connection while the
    // migrations run on another.
    // JIT off for the hub's sessions: its set-based statements over a thousand keys carry high
    // cost estimates, so a server with JIT on (Debian's PostgreSQL 15, for one) compiled them,
    // spending some 400 ms of LLVM on a 9 ms family-block lookup in every ingest batch.
    extra: {
      max: Math.max(2, poolSize),
      application_name: 'grassroots-hub',
      options: '-c jit=off',
    },
  };
}
