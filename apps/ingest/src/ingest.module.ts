import { DynamicModule, Module } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { ChangeRelayModule } from '@hub/changes';
import { FeedsModule, IngestMetrics } from '@hub/feeds';
import { ConsumerLivenessModule } from '@hub/health';
import { HubProcessModule } from '@hub/runtime';
import { FeedBatchConsumer } from './feed-batch-consumer';

/** The Kafka consumer process that runs the department connectors; HTTP only for probes and metrics. */
@Module({})
export class IngestModule {
  static register(config: HubConfig, databaseUrl: string): DynamicModule {
    return {
      module: IngestModule,
      imports: [
        // No statement timeout for batch transactions: see HubProcessOptions.statementTimeout.
        HubProcessModule.forRoot(config, databaseUrl, { statementTimeout: false }),
        FeedsModule,
        // /health fails while the consumer is stalled behind its lag (HUB_INGEST_STALL_SECONDS).
        ConsumerLivenessModule.forSource({
          imports: [FeedsModule],
          source: IngestMetrics,
          stallSeconds: config.ingest.stallSeconds,
        }),
        ...(config.changes.relay ? [ChangeRelayModule] : []),
      ],
      providers: [FeedBatchConsumer],
    };
  }
}
