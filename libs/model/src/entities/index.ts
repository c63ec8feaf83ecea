import { ApiClient } from './api-client.entity';
import { AttributeValue } from './attribute-value.entity';
import { ChangeEvent } from './change-event.entity';
import { ChangeRelayCursor } from './change-relay-cursor.entity';
import { Event } from './event.entity';
import { FeedRecordHead } from './feed-record-head.entity';
import { Mention } from './mention.entity';
import { ModelObject } from './object.entity';
import { Organization } from './organization.entity';
import { Person } from './person.entity';
import { Place } from './place.entity';
import { Reject } from './reject.entity';
import { RejectReplayJob } from './reject-replay-job.entity';
import { ResolutionDecision } from './resolution-decision.entity';
import { ReviewTask } from './review-task.entity';
import { Relation } from './relation.entity';
import { SourceRecord } from './source-record.entity';
import { WebhookSubscription } from './webhook-subscription.entity';
import { StaffUser } from './staff-user.entity';
import { AuditLog } from './audit-log.entity';

export {
  ApiClient,
  AttributeValue,
  AuditLog,
  ChangeEvent,
  ChangeRelayCursor,
  Event,
  FeedRecordHead,
  Mention,
  ModelObject,
  Organization,
  Person,
  Place,
  Reject,
  RejectReplayJob,
  Relation,
  ResolutionDecision,
  ReviewTask,
  SourceRecord,
  StaffUser,
  WebhookSubscription,
};
export type { WebhookStatus } from './webhook-subscription.entity';
export type { ReviewTaskStatus } from './review-task.entity';
export { REJECT_REASONS } from './reject.entity';
export type { RejectReason, RejectStatus } from './reject.entity';
export type { RejectReplayJobStatus } from './reject-replay-job.entity';
export { PLACE_LEVELS } from './place.entity';
export type { PlaceLevel } from './place.entity';
export type { PersonStatus } from './person.entity';
export type { ChangeKind } from './change-event.entity';
export type { SourceFact, SourceRecordStatus, SourceRelationFact } from './source-record.entity';
export { RELATION_VIEW_SQL } from './relation.entity';
export { ATTRIBUTE_VALUE_VIEW_SQL } from './attribute-value.entity';

/** Every TypeORM entity of the unified model, for the DataSource. */
export const MODEL_ENTITIES = [
  SourceRecord,
  Person,
  Event,
  ModelObject,
  Place,
  Organization,
  Relation,
  AttributeValue,
  FeedRecordHead,
  Mention,
  Reject,
  RejectReplayJob,
  ChangeEvent,
  ChangeRelayCursor,
  ReviewTask,
  ResolutionDecision,
  WebhookSubscription,
  ApiClient,
  StaffUser,
  AuditLog,
];
