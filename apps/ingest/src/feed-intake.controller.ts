import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { FeedIntakeService } from './feed-intake.service';

/**
 * Kafka handlers: translate a message into the intake call and nothing else. One handler per
 * department topic (topic names are the contracts in shared/feeds).
 */
@Controller()
export class FeedIntakeController {
  constructor(private readonly intake: FeedIntakeService) {}

  @EventPattern('ps.population.v1')
  population(@Payload() value: unknown, @Ctx() context: KafkaContext) {
    return this.intake.receive(value, context);
  }

  @EventPattern('ca.assistance.v1')
  assistance(@Payload() value: unknown, @Ctx() context: KafkaContext) {
    return this.intake.receive(value, context);
  }

  @EventPattern('grid.records.v1')
  grid(@Payload() value: unknown, @Ctx() context: KafkaContext) {
    return this.intake.receive(value, context);
  }
}
