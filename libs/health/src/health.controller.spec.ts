import { Test } from '@nestjs/testing';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import { KafkaHealthIndicator } from '@hub/kafka';
import { HealthController } from './health.controller';
import { HealthModule } from './health.module';

describe('readiness per process', () => {
  const up = (key: string) => Promise.resolve({ [key]: { status: 'up' as const } });
  const ready = async (kafka: boolean) => {
    const kafkaChecked = jest.fn(up);
    const module = await Test.createTestingModule({ imports: [HealthModule.forRoot({ kafka })] })
      .overrideProvider(TypeOrmHealthIndicator)
      .useValue({ pingCheck: up })
      .overrideProvider(KafkaHealthIndicator)
      .useValue({ isReachable: kafkaChecked })
      .compile();
    const result = await module.get(HealthController).ready();
    await module.close();
    return { result, kafkaChecked };
  };

  it("the API's waits for PostgreSQL alone: Kafka is not asked", async () => {
    const { result, kafkaChecked } = await ready(false);
    expect(result.details).toEqual({ postgres: { status: 'up' } });
    expect(kafkaChecked).not.toHaveBeenCalled();
  });

  it("the ingest's and the relay's wait for Kafka too", async () => {
    const { result, kafkaChecked } = await ready(true);
    expect(result.details).toEqual({ postgres: { status: 'up' }, kafka: { status: 'up' } });
    expect(kafkaChecked).toHaveBeenCalledWith('kafka');
  });
});
