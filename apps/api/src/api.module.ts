import { DynamicModule, Module } from '@nestjs/common';
import { AccessModule } from '@hub/access';
import type { HubConfig } from '@hub/config';
import { ChangesModule } from '@hub/changes';
import { FeedCatalog, FeedsHttpModule } from '@hub/feeds';
import { FormsModule } from '@hub/forms';
import { PlacesModule } from '@hub/places';
import { FeedDepartments, ReadApiModule, ResolutionModule } from '@hub/resolution';
import { HubProcessModule } from '@hub/runtime';

/**
 * The HTTP process: REST under /v1, OpenAPI at /docs, probes at /health and /ready, and the staff
 * page (apps/web, built into dist/web) at /.
 */
@Module({})
export class ApiModule {
  static register(config: HubConfig, databaseUrl: string): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        // Ready on PostgreSQL alone: the API does not use Kafka.
        HubProcessModule.forRoot(config, databaseUrl, { readiness: 'postgres' }),
        AccessModule.forRoot({
          imports: [FeedsHttpModule],
          knownFeeds: {
            inject: [FeedCatalog],
            useFactory: (catalog: FeedCatalog) => catalog.feeds.map((f) => f.mapping.feed),
          },
        }),
        PlacesModule,
        FeedsHttpModule,
        ChangesModule,
        ResolutionModule,
        ReadApiModule.forRoot({
          imports: [FeedsHttpModule],
          departments: {
            inject: [FeedCatalog],
            useFactory: (catalog: FeedCatalog) =>
              new FeedDepartments(catalog.feeds.map((f) => f.mapping)),
          },
        }),
        FormsModule,
      ],
    };
  }
}
