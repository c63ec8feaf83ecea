import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { KafkaHealthIndicator } from '@hub/kafka';
import { HealthController } from './health.controller';

/** `/health` (liveness) and `/ready` (readiness) for every hub process. */
@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [KafkaHealthIndicator],
})
export class HealthModule {}
