import { DynamicModule, Module } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { ChangeRelayModule } from '@hub/changes';
import { HubProcessModule } from '@hub/runtime';

/**
 * The change relay as its own process: publishes the outbox to Kafka behind the lease, beside
 * ingest processes that run with HUB_CHANGE_RELAY=false. HTTP only for probes.
 */
@Module({})
export class RelayModule {
  static register(config: HubConfig, databaseUrl: string): DynamicModule {
    return {
      module: RelayModule,
      imports: [HubProcessModule.forRoot(config, databaseUrl), ChangeRelayModule],
    };
  }
}
