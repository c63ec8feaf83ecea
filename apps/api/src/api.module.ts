import { DynamicModule, Module } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { ChangesModule } from '@hub/changes';
import { FeedsHttpModule } from '@hub/feeds';
import { PlacesModule } from '@hub/places';
import { ResolutionModule } from '@hub/resolution';
import { HubProcessModule } from '@hub/runtime';

/** The HTTP process: REST under /v1, OpenAPI at /docs, probes at /health and /ready. */
@Module({})
export class ApiModule {
  static register(config: HubConfig, databaseUrl: string): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        HubProcessModule.forRoot(config, databaseUrl),
        PlacesModule,
        FeedsHttpModule,
        ChangesModule,
        ResolutionModule,
      ],
    };
  }
}
