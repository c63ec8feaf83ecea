import { Module } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@hub/config';
import { DIVISION_INDEX, DIVISION_INDEX_PROVIDER } from '@hub/places';
import { AccessLogController } from './http/access-log.controller';
import { EntityReadRepository } from './http/entity-read.repository';
import { PersonReadRepository } from './http/person-read.repository';
import { PersonsController } from './http/persons.controller';
import { PlacesOrganizationsController } from './http/places-organizations.controller';
import { ResolutionLinksController } from './http/resolution-links.controller';
import { ResolutionLinksRepository } from './http/resolution-links.repository';
import { ResolutionService } from './http/resolution.service';
import { ReviewTaskRepository } from './http/review-task.repository';
import { ReviewTasksController } from './http/review-tasks.controller';
import { PersonResolver } from './person-resolver';
import { loadSurvivorshipRules, type SurvivorshipRules } from './survivorship';

/** rules/survivorship.json, read once per process. */
export const SURVIVORSHIP_RULES = Symbol('SURVIVORSHIP_RULES');
export const SURVIVORSHIP_RULES_PROVIDER = {
  provide: SURVIVORSHIP_RULES,
  useFactory: loadSurvivorshipRules,
};

/** The one PersonResolver of a process, with the configured thresholds and survivorship rules. */
export const PERSON_RESOLVER_PROVIDER = {
  provide: PersonResolver,
  inject: [HUB_CONFIG, SURVIVORSHIP_RULES],
  useFactory: (config: HubConfig, rules: SurvivorshipRules) =>
    new PersonResolver(config.matching, rules),
};

/** The resolved-entities API: persons (search, explain, review, split), places, organizations, links. */
@Module({
  controllers: [
    PersonsController,
    PlacesOrganizationsController,
    ReviewTasksController,
    ResolutionLinksController,
    AccessLogController,
  ],
  providers: [
    SURVIVORSHIP_RULES_PROVIDER,
    PERSON_RESOLVER_PROVIDER,
    DIVISION_INDEX_PROVIDER,
    EntityReadRepository,
    PersonReadRepository,
    ReviewTaskRepository,
    ResolutionLinksRepository,
    ResolutionService,
  ],
  exports: [SURVIVORSHIP_RULES, PersonReadRepository, EntityReadRepository, DIVISION_INDEX],
})
export class ResolutionModule {}
