import type { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import { MODEL_ENTITIES } from '@hub/model';
import { MIGRATIONS } from './migrations';

/** How long a hub process's database work may wait or run before it fails (0 or unset: no limit). */
export interface SessionLimits {
  /** Longest wait for a free pooled connection, or for a new one to connect (ms). */
  acquireTimeoutMs?: number;
  /** PostgreSQL's `statement_timeout` of every session of the pool (ms). */
  statementTimeoutMs?: number;
}

/**
 * The one way a hub process (or the TypeORM CLI) describes its PostgreSQL connection. Without
 * limits (scripts, tests, the CLI) nothing waits or runs under a time limit.
 */
export function dataSourceOptions(
  url: string,
  poolSize = 10,
  { acquireTimeoutMs = 0, statementTimeoutMs = 0 }: SessionLimits = {},
): DataSourceOptions {
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
    // At least 2: a process migrating at start (on one connection, runMigrationsLocked) may
    // already serve probes on another.
    // JIT off for the hub's sessions: its set-based statements over a thousand keys carry high
    // cost estimates, so a server with JIT on (Debian's PostgreSQL 15, for one) compiled them,
    // spending some 400 ms of LLVM on a 9 ms family-block lookup in every ingest batch.
    // The statement timeout is a startup parameter, so it holds from a session's first statement;
    // migrations lift it on their own session (runMigrationsLocked). Without an acquire timeout a
    // request queues behind an exhausted pool for as long as the statements ahead of it run.
    extra: {
      max: Math.max(2, poolSize),
      application_name: 'grassroots-hub',
      options: [
        '-c jit=off',
        ...(statementTimeoutMs > 0 ? [`-c statement_timeout=${statementTimeoutMs}`] : []),
      ].join(' '),
      ...(acquireTimeoutMs > 0 && { connectionTimeoutMillis: acquireTimeoutMs }),
    },
  };
}
