import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { KafkaHealthIndicator } from '@hub/kafka';
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
