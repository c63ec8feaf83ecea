import { DynamicModule, Module } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { SourceRecordRepository } from '@hub/feeds';
import { HubProcessModule } from '@hub/runtime';
import { FeedIntakeController } from './feed-intake.controller';
import { FeedIntakeService } from './feed-intake.service';

/** The Kafka consumer process that runs the department connectors; HTTP only for probes. */
@Module({})
export class IngestModule {
  static register(config: HubConfig, databaseUrl: string): DynamicModule {
    return {
      module: IngestModule,
      imports: [HubProcessModule.forRoot(config, databaseUrl)],
      controllers: [FeedIntakeController],
      providers: [FeedIntakeService, SourceRecordRepository],
    };
  }
}
