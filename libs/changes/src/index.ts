export { ChangeRelayModule, ChangesModule } from './changes.module';
export { ChangeRelay } from './change-relay';
export { ChangeFeed } from './change-feed';
export { ChangeLogRepository } from './change-log.repository';
export type { ChangePageQuery } from './change-log.repository';
export { cloudEventJson, HUB_EVENT_SOURCE, toCloudEvent } from './cloud-event';
export type { ChangeCloudEvent, ChangeEventRow } from './cloud-event';
