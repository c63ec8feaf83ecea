import { Controller, Get, Optional } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@hub/access';
import { KafkaHealthIndicator } from '@hub/kafka';

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    // Provided only to the processes whose readiness includes Kafka (HealthModule.forRoot).
    @Optional() private readonly kafka?: KafkaHealthIndicator,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers.' })
  @HealthCheck()
  live() {
    return this.health.check([]);
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
}
