import { Module, ServiceUnavailableException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import { KafkaHealthIndicator } from '@hub/kafka';
import type { ConsumerProgress } from './consumer-liveness';
import { HealthController } from './health.controller';
import { ConsumerLivenessModule, HealthModule } from './health.module';

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

describe('liveness per process', () => {
  /** A stand-in for IngestMetrics, the ingest's source of its consumer's progress. */
  class FakeProgress {
    static now: ConsumerProgress = { lastProgressAt: Date.now(), lag: 0 };
    consumerProgress = () => FakeProgress.now;
  }
  @Module({ providers: [FakeProgress], exports: [FakeProgress] })
  class FakeFeedsModule {}
  const live = async (withConsumer: boolean) => {
    const module = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({ kafka: false }),
        ...(withConsumer
          ? [
              ConsumerLivenessModule.forSource({
                imports: [FakeFeedsModule],
                source: FakeProgress,
                stallSeconds: 300,
              }),
            ]
          : []),
      ],
    })
      .overrideProvider(TypeOrmHealthIndicator)
      .useValue({})
      .compile();
    try {
      return await module.get(HealthController).live();
    } finally {
      await module.close();
    }
  };

  it("the API's and the relay's: the process answers, nothing more", async () => {
    FakeProgress.now = { lastProgressAt: 0, lag: 1000 };
    await expect(live(false)).resolves.toMatchObject({ status: 'ok', details: {} });
  });

  it("the ingest's: up while its consumer commits, or has nothing to read", async () => {
    FakeProgress.now = { lastProgressAt: Date.now() - 10_000, lag: 1000 };
    await expect(live(true)).resolves.toMatchObject({
      status: 'ok',
      details: { consumer: { status: 'up', lag: 1000, secondsSinceProgress: 10 } },
    });
    FakeProgress.now = { lastProgressAt: 0, lag: 0 };
    await expect(live(true)).resolves.toMatchObject({ status: 'ok' });
  });

  it("the ingest's: 503 once its consumer committed nothing for the stall time while behind", async () => {
    FakeProgress.now = { lastProgressAt: Date.now() - 301_000, lag: 7 };
    const failure = await live(true).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceUnavailableException);
    expect((failure as ServiceUnavailableException).getResponse()).toMatchObject({
      status: 'error',
      error: {
        consumer: {
          status: 'down',
          lag: 7,
          secondsSinceProgress: 301,
          message: 'no batch committed for 301 s while 7 messages wait',
        },
      },
    });
  });
});
