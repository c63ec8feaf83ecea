import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, HubConfig } from '@hub/config';
import { HealthModule } from '@hub/health';
import { LoggingModule } from '@hub/logging';
import { PersistenceModule } from '@hub/persistence';

/** What every hub process runs on: validated config, JSON logs, migrated PostgreSQL, probes. */
@Module({})
export class HubProcessModule {
  static forRoot(config: HubConfig, databaseUrl: string): DynamicModule {
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
        HealthModule,
      ],
    };
  }
}
