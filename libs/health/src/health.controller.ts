import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '@hub/access';
import { KafkaHealthIndicator } from '@hub/kafka';
import {
  CONSUMER_LIVENESS,
  consumerLiveness,
  type ConsumerLivenessOptions,
} from './consumer-liveness';

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    // Provided only to the processes whose readiness includes Kafka (HealthModule.forRoot).
    @Optional() private readonly kafka?: KafkaHealthIndicator,
    // Provided only by the ingest: its liveness includes its consumer's progress.
    @Optional() @Inject(CONSUMER_LIVENESS) private readonly consumer?: ConsumerLivenessOptions,
  ) {}

  @Get('health')
  // The ingest's also fails while its consumer is stalled (CONSUMER_LIVENESS).
  @ApiOperation({ summary: 'Liveness: the process answers.' })
  @HealthCheck()
  live() {
    const consumer = this.consumer;
    return this.health.check(consumer ? [() => this.consumerCheck(consumer)] : []);
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: PostgreSQL is reachable (the ingest and the relay also wait for Kafka).',
  })
  @HealthCheck()
  ready() {
    const kafka = this.kafka;
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 2000 }),
      ...(kafka ? [() => kafka.isReachable('kafka')] : []),
    ]);
  }

  /** Down when the consumer committed nothing for HUB_INGEST_STALL_SECONDS while behind. */
  private consumerCheck({ source, stallSeconds }: ConsumerLivenessOptions) {
    const indicator = this.indicators.check('consumer');
    const { stalled, lag, secondsSinceProgress } = consumerLiveness(
      source.consumerProgress(),
      Date.now(),
      stallSeconds,
    );
    const details = { lag, secondsSinceProgress, stallSeconds };
    return stalled
      ? indicator.down({
          ...details,
          message: `no batch committed for ${secondsSinceProgress} s while ${lag} messages wait`,
        })
      : indicator.up(details);
  }
}
