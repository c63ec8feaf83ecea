import { DynamicModule, Global, Module, type ModuleMetadata, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { KafkaHealthIndicator } from '@hub/kafka';
import {
  CONSUMER_LIVENESS,
  type ConsumerLivenessOptions,
  type ConsumerProgressSource,
} from './consumer-liveness';
import { HealthController } from './health.controller';

export interface HealthOptions {
  /**
   * Whether `/ready` also waits for Kafka (when configured): for the processes that cannot work
   * without it, the ingest and the relay. The API serves from PostgreSQL alone; a broker restart
   * must not take its replicas out of service.
   */
  kafka: boolean;
}

/** `/health` (liveness) and `/ready` (readiness) for every hub process. */
@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule],
      controllers: [HealthController],
      providers: options.kafka ? [KafkaHealthIndicator] : [],
    };
  }
}

/**
 * Makes `/health` fail while a consumer is stalled (see consumerLiveness): imported by the ingest
 * alone. Global, so that the HealthController of whichever module imports HealthModule finds it.
 */
@Global()
@Module({})
export class ConsumerLivenessModule {
  static forSource(options: {
    /** The module that provides `source`. */
    imports: NonNullable<ModuleMetadata['imports']>;
    source: Type<ConsumerProgressSource>;
    stallSeconds: number;
  }): DynamicModule {
    return {
      module: ConsumerLivenessModule,
      imports: options.imports,
      providers: [
        {
          provide: CONSUMER_LIVENESS,
          inject: [options.source],
          useFactory: (source: ConsumerProgressSource): ConsumerLivenessOptions => ({
            source,
            stallSeconds: options.stallSeconds,
          }),
        },
      ],
      exports: [CONSUMER_LIVENESS],
    };
  }
}
