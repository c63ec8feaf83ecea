import { DynamicModule, Module } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { ChangeRelayModule } from '@hub/changes';
import { FeedsModule } from '@hub/feeds';
import { HubProcessModule } from '@hub/runtime';
import { FeedBatchConsumer } from './feed-batch-consumer';

/** The Kafka consumer process that runs the department connectors; HTTP only for probes and metrics. */
@Module({})
export class IngestModule {
  static register(config: HubConfig, databaseUrl: string): DynamicModule {
    return {
      module: IngestModule,
      imports: [
        HubProcessModule.forRoot(config, databaseUrl),
        FeedsModule,
        ...(config.changes.relay ? [ChangeRelayModule] : []),
      ],
      providers: [FeedBatchConsumer],
    };
  }
}
