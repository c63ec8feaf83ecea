import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, HubConfig } from '@hub/config';
import { SourceRecordRepository } from '@hub/feeds';
import { HealthModule } from '@hub/health';
import { LoggingModule } from '@hub/logging';
import { PersistenceModule } from '@hub/persistence';
import { FeedIntakeController } from './feed-intake.controller';
import { FeedIntakeService } from './feed-intake.service';

/** The Kafka consumer process that runs the department connectors; HTTP only for probes. */
@Module({})
export class IngestModule {
  static register(config: HubConfig, databaseUrl: string): DynamicModule {
    return {
      module: IngestModule,
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
      controllers: [FeedIntakeController],
      providers: [FeedIntakeService, SourceRecordRepository],
    };
  }
}
