export { ChangeRelayModule, ChangesModule } from './changes.module';
export { ChangeRelay } from './change-relay';
export { ChangeFeed } from './change-feed';
export { WebhookDispatcher, webhookBackoffMs, webhookSignature } from './webhook-dispatcher';
export { ChangeLogRepository } from './change-log.repository';
export type { ChangePageQuery } from './change-log.repository';
export { cloudEventJson, HUB_EVENT_SOURCE, toCloudEvent } from './cloud-event';
export type { ChangeCloudEvent, ChangeEventRow } from './cloud-event';
export {
  CHANGE_LOG_LOCK,
  CHANGE_TYPE_PREFIX,
  ENTITY_COLUMNS,
  insertLifecycleEvents,
  lockChangeLog,
  upsertEntitiesWithEvents,
} from './entity-changes';
export type { GoldenColumns, LifecycleChange } from './entity-changes';
export { diffRelations, insertRelationEvents, relationEvent } from './relation-changes';
export type { RelationChange, ResolvedRelation } from './relation-changes';
export { relationChangesOfMoves } from './moved-relations';
export type { MovedMention } from './moved-relations';
