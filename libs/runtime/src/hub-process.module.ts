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
        }),
        HealthModule.forRoot({ kafka: readiness === 'postgres-and-kafka' }),
      ],
    };
  }
}
