import {
  DynamicModule,
  Global,
  Module,
  type FactoryProvider,
  type ModuleMetadata,
} from '@nestjs/common';
import { ResolutionModule } from '../resolution.module';
import { EventReadRepository } from './event-read.repository';
import { EventsController } from './events.controller';
import { FeedDepartments } from './feed-departments';

export interface ReadApiModuleOptions {
  /** Modules the departments factory needs. */
  imports?: ModuleMetadata['imports'];
  /** The department of each feed, from the feed catalogue (mappings/*.json). */
  departments: Omit<FactoryProvider<FeedDepartments>, 'provide'>;
}

/**
 * The read API's parts that need the feed catalogue: the department names provenance gives, and
 * the events API. The catalogue lives in @hub/feeds, which imports this library, so the process
 * passes it in (as it passes its feeds to AccessModule). Global: the persons, places and
 * organizations routes of ResolutionModule name departments too.
 */
@Global()
@Module({})
export class ReadApiModule {
  static forRoot(options: ReadApiModuleOptions): DynamicModule {
    return {
      module: ReadApiModule,
      imports: [ResolutionModule, ...(options.imports ?? [])],
      controllers: [EventsController],
      providers: [{ provide: FeedDepartments, ...options.departments }, EventReadRepository],
      exports: [FeedDepartments],
    };
  }
}
