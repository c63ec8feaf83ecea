import { Module } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@hub/config';
import { PersonReadRepository } from './http/person-read.repository';
import { PersonsController } from './http/persons.controller';
import { ResolutionLinksController } from './http/resolution-links.controller';
import { ResolutionService } from './http/resolution.service';
import { ReviewTasksController } from './http/review-tasks.controller';
import { PersonResolver } from './person-resolver';
import { loadSurvivorshipRules } from './survivorship';

/** The one PersonResolver of a process, with the configured thresholds and survivorship rules. */
export const PERSON_RESOLVER_PROVIDER = {
  provide: PersonResolver,
  inject: [HUB_CONFIG],
  useFactory: (config: HubConfig) => new PersonResolver(config.matching, loadSurvivorshipRules()),
};

/** The persons API: golden records, search, explain, review tasks, splits, resolution links. */
@Module({
  controllers: [PersonsController, ReviewTasksController, ResolutionLinksController],
  providers: [PERSON_RESOLVER_PROVIDER, PersonReadRepository, ResolutionService],
})
export class ResolutionModule {}
