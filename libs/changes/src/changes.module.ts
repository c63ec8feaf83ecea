import { Module } from '@nestjs/common';
import { ChangeFeed } from './change-feed';
import { ChangeRelay } from './change-relay';
import { ChangeLogRepository } from './change-log.repository';
import { ChangesController } from './changes.controller';

/** Change events of the unified model for subscribers: the HTTP change feed over the outbox. */
@Module({
  controllers: [ChangesController],
  providers: [ChangeLogRepository, ChangeFeed],
  exports: [ChangeLogRepository],
})
export class ChangesModule {}

/** The outbox relay to Kafka, for the ingest process. */
@Module({
  providers: [ChangeLogRepository, ChangeRelay],
  exports: [ChangeRelay],
})
export class ChangeRelayModule {}
