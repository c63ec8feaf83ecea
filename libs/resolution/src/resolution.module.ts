import { Module } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@hub/config';
import { DivisionIndexModule } from '@hub/places';
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

/**
 * Person resolution without HTTP: the survivorship rules and the one PersonResolver of a
 * process, with the configured thresholds. The ingest pipeline and the resolution API import it.
 */
@Module({
  providers: [
    { provide: SURVIVORSHIP_RULES, useFactory: loadSurvivorshipRules },
    {
      provide: PersonResolver,
      inject: [HUB_CONFIG, SURVIVORSHIP_RULES],
      useFactory: (config: HubConfig, rules: SurvivorshipRules) =>
        new PersonResolver(config.matching, rules),
    },
  ],
  exports: [SURVIVORSHIP_RULES, PersonResolver],
})
export class PersonResolutionModule {}

/** The resolved-entities API: persons (search, explain, review, split), places, organizations, links. */
@Module({
  imports: [PersonResolutionModule, DivisionIndexModule],
  controllers: [
    PersonsController,
    PlacesOrganizationsController,
    ReviewTasksController,
    ResolutionLinksController,
    AccessLogController,
  ],
  providers: [
    EntityReadRepository,
    PersonReadRepository,
    ReviewTaskRepository,
    ResolutionLinksRepository,
    ResolutionService,
  ],
  exports: [
    PersonResolutionModule,
    DivisionIndexModule,
    PersonReadRepository,
    EntityReadRepository,
  ],
})
export class ResolutionModule {}
