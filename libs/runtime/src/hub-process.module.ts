import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, HubConfig } from '@hub/config';
import { HealthModule } from '@hub/health';
import { LoggingModule } from '@hub/logging';
import { PersistenceModule } from '@hub/persistence';

export interface HubProcessOptions {
  /**
   * What `/ready` waits for: `postgres` for the API, which serves from PostgreSQL alone (a broker
   * restart must not take its replicas out of service); `postgres-and-kafka`, the default, for
   * the ingest and the relay, which cannot work without the broker.
   */
  readiness?: 'postgres' | 'postgres-and-kafka';
  /**
   * Whether the process's sessions run under HUB_DB_STATEMENT_TIMEOUT_MS: yes for the API, whose
   * callers wait on each statement, and the relay, whose statements are small pages. Not the
   * ingest: a batch transaction's set-based statements over thousands of records may
   * legitimately run long while they wait on other transactions' resolution locks, and a
   * batch cancelled for it comes back just as large, to be cancelled again; a consumer that is
   * truly stuck is restarted by its liveness check (HUB_INGEST_STALL_SECONDS) instead.
   */
  statementTimeout?: boolean;
}

/** What every hub process runs on: validated config, JSON logs, migrated PostgreSQL, probes. */
@Module({})
export class HubProcessModule {
  static forRoot(
    config: HubConfig,
    databaseUrl: string,
    options: HubProcessOptions = {},
  ): DynamicModule {
    const readiness = options.readiness ?? 'postgres-and-kafka';
    return {
      module: HubProcessModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        PersistenceModule.forRoot({
          url: databaseUrl,
          poolSize: config.database.poolSize,
          migrateOnStart: config.database.migrateOnStart,
          limits: {
            acquireTimeoutMs: config.database.acquireTimeoutMs,
            statementTimeoutMs:
              (options.statementTimeout ?? true) ? config.database.statementTimeoutMs : 0,
          },
        }),
        HealthModule.forRoot({ kafka: readiness === 'postgres-and-kafka' }),
      ],
    };
  }
}
