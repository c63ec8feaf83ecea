import { Module } from '@nestjs/common';
import { ChangeFeed } from './change-feed';
import { ChangeRelay } from './change-relay';
import { ChangeLogRepository } from './change-log.repository';
import { ChangesController } from './changes.controller';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookRepository } from './webhook.repository';
import { WebhooksController } from './webhooks.controller';

/**
 * Change events of the unified model for subscribers without Kafka: the HTTP change feed over
 * the outbox, and webhook subscriptions.
 */
@Module({
  controllers: [ChangesController, WebhooksController],
  providers: [ChangeLogRepository, ChangeFeed, WebhookRepository, WebhookDispatcher],
  exports: [ChangeLogRepository],
})
export class ChangesModule {}

/** The outbox relay to Kafka, for the ingest process. */
@Module({
  providers: [ChangeLogRepository, ChangeRelay],
  exports: [ChangeRelay],
})
export class ChangeRelayModule {}
