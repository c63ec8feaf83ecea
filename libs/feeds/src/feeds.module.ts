import { Module } from '@nestjs/common';
import { HUB_CONFIG, HubConfig } from '@hub/config';
import { DivisionIndexModule } from '@hub/places';
import { PersonResolutionModule } from '@hub/resolution';
import { FeedCatalog } from './feed-catalog';
import { FeedPushController } from './http/feed-push.controller';
import { RejectsController } from './http/rejects.controller';
import { IngestMetrics } from './ingest-metrics';
import { MetricsController } from './metrics.controller';
import { FeedPipeline, INGEST_LIMITS, type IngestLimits } from './pipeline/feed-pipeline';
import { IngestTransaction } from './pipeline/ingest-transaction';
import { RejectReplayJobRepository } from './reject-replay-job.repository';
import { RejectReplayer } from './reject-replayer';
import { RejectRepository } from './reject.repository';

const providers = [
  {
    provide: FeedCatalog,
    inject: [HUB_CONFIG],
    useFactory: (config: HubConfig) => FeedCatalog.forConfig(config),
  },
  {
    provide: INGEST_LIMITS,
    inject: [HUB_CONFIG],
    useFactory: (config: HubConfig): IngestLimits => ({
      maxMessageBytes: config.ingest.maxMessageBytes,
      lockTableRecheckTransactions: config.ingest.lockTableRecheckTransactions,
    }),
  },
  IngestMetrics,
  IngestTransaction,
  FeedPipeline,
  RejectRepository,
  RejectReplayJobRepository,
  RejectReplayer,
];

/** The department feeds' pipeline, for the ingest process (Kafka) and its /metrics. */
@Module({
  imports: [PersonResolutionModule, DivisionIndexModule],
  controllers: [MetricsController],
  providers,
  exports: [FeedPipeline, FeedCatalog, IngestMetrics],
})
export class FeedsModule {}

/** The same pipeline with its HTTP side: push endpoint and the rejects admin. */
@Module({
  imports: [PersonResolutionModule, DivisionIndexModule],
  controllers: [MetricsController, FeedPushController, RejectsController],
  providers,
  exports: [FeedPipeline, FeedCatalog],
})
export class FeedsHttpModule {}
