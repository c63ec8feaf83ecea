export { nameKeyOf, personFeatures } from './person-features';
export {
  blockKeys,
  blocksOfFeatures,
  blocksOfStored,
  familyBlock,
  placeBlock,
  placeBlocksOf,
  placedNameKey,
} from './block-keys';
export type { StoredBlocks } from './block-keys';
export { personContext } from './record-context';
export type { RecordShape } from './record-context';
export type { MentionValue, PersonFeatures } from './person-features';
export { DEFAULT_MATCH_THRESHOLDS, oneEditApart, scorePair } from './person-match';
export type { MatchEvidence, MatchThresholds, PairScore } from './person-match';
export { clusterBlock } from './cluster-block';
export type { BlockMention, BlockResolution, MentionLink } from './cluster-block';
export { goldenOrganization, goldenPerson, loadSurvivorshipRules } from './survivorship';
export type { GoldenPerson, OrganizationInput, SurvivorshipRules } from './survivorship';
export { SURVIVORSHIP_RULES } from './resolution.module';
export { PersonResolver } from './person-resolver';
export { ResolutionService } from './http/resolution.service';
export type { PendingMentions, PersonResolution, TouchedMention } from './person-resolver';
export { resolvePersonMentions } from './resolve-person-mentions';
export { writeGoldenPersons, writePersonLifecycle, writePersons } from './person-writes';
export type { LockClock, PersonMentionsToResolve } from './resolve-person-mentions';
export { Mentions } from './mention.repository';
export type { NewMention, PersonMention, RecordMention } from './mention.repository';
export { PersonResolutionModule, ResolutionModule } from './resolution.module';
export {
  divisionPlaceIds,
  entityKeyOf,
  keyedEntityId,
  organizationKey,
  placeKeyedMentions,
  placeKey,
  placeKeyOfText,
} from './keyed-entities';
export type { EntityKey, KeyedPlacement } from './keyed-entities';
export { PersonReadRepository, personInJurisdiction } from './http/person-read.repository';
export { EntityReadRepository } from './http/entity-read.repository';
export { FeedDepartments } from './http/feed-departments';
export { ReadApiModule } from './http/read-api.module';
export type { ReadApiModuleOptions } from './http/read-api.module';
