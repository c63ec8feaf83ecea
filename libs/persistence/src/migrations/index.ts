import { UnifiedModel1795864993193 } from './1795864993193-UnifiedModel';
import { SeedChongqingDivisions1795865000000 } from './1795865000000-SeedChongqingDivisions';
import { FeedIngest1795867990717 } from './1795867990717-FeedIngest';
import { FactsOnSourceRecord1795910481968 } from './1795910481968-FactsOnSourceRecord';
import { ChangeOutbox1795913121450 } from './1795913121450-ChangeOutbox';
import { EntityResolution1795924141441 } from './1795924141441-EntityResolution';
import { KeyedPlacesAndOrganizations1795942739202 } from './1795942739202-KeyedPlacesAndOrganizations';
import { MentionPlaces1795944784080 } from './1795944784080-MentionPlaces';
import { WebhookSubscriptions1795955112683 } from './1795955112683-WebhookSubscriptions';
import { LeanerWrites1795963976866 } from './1795963976866-LeanerWrites';
import { EndedEntities1795994281494 } from './1795994281494-EndedEntities';
import { PersonDivision1796049205183 } from './1796049205183-PersonDivision';
import { PreviousDivision1796067704515 } from './1796067704515-PreviousDivision';
import { FactTuples1796212193153 } from './1796212193153-FactTuples';
import { AccessControl1796435989900 } from './1796435989900-AccessControl';
import { WebhookOwnership1796436683265 } from './1796436683265-WebhookOwnership';
import { OpenReviewTasksByPerson1796446168970 } from './1796446168970-OpenReviewTasksByPerson';
import { GridCommunityDivision1796446314672 } from './1796446314672-GridCommunityDivision';
import { PersonNameSearch1796447706240 } from './1796447706240-PersonNameSearch';
import { PersonBirthDateOrder1796448000000 } from './1796448000000-PersonBirthDateOrder';
import { StorableRejectsOnce1796470667598 } from './1796470667598-StorableRejectsOnce';
import { RejectReplayJobs1796473000000 } from './1796473000000-RejectReplayJobs';
import { ChangeRetention1796480000000 } from './1796480000000-ChangeRetention';

/** Every migration, in order. Listed explicitly so the bundled apps need no file globbing. */
export const MIGRATIONS = [
  UnifiedModel1795864993193,
  SeedChongqingDivisions1795865000000,
  FeedIngest1795867990717,
  FactsOnSourceRecord1795910481968,
  ChangeOutbox1795913121450,
  EntityResolution1795924141441,
  KeyedPlacesAndOrganizations1795942739202,
  MentionPlaces1795944784080,
  WebhookSubscriptions1795955112683,
  LeanerWrites1795963976866,
  EndedEntities1795994281494,
  PersonDivision1796049205183,
  PreviousDivision1796067704515,
  FactTuples1796212193153,
  AccessControl1796435989900,
  WebhookOwnership1796436683265,
  OpenReviewTasksByPerson1796446168970,
  GridCommunityDivision1796446314672,
  PersonNameSearch1796447706240,
  PersonBirthDateOrder1796448000000,
  StorableRejectsOnce1796470667598,
  RejectReplayJobs1796473000000,
  ChangeRetention1796480000000,
];
