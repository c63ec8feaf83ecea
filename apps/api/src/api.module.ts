import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, HubConfig } from '@hub/config';
import { HealthModule } from '@hub/health';
import { LoggingModule } from '@hub/logging';
import { PersistenceModule } from '@hub/persistence';
import { PlacesModule } from '@hub/places';

/** The HTTP process: REST under /v1, OpenAPI at /docs, probes at /health and /ready. */
@Module({})
export class ApiModule {
  static register(config: HubConfig, databaseUrl: string): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        PersistenceModule.forRoot({
          url: databaseUrl,
          poolSize: config.database.poolSize,
          migrateOnStart: config.database.migrateOnStart,
        }),
        HealthModule,
        PlacesModule,
      ],
    };
  }
}
