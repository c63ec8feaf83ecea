import type { Batch, Consumer, EachBatchPayload } from 'kafkajs';
import { loadConfig, requireKafka } from '@hub/config';
import { BatchHandler, BatchKafkaServer } from './batch-kafka-server';

/** A BatchKafkaServer bound to a stand-in consumer: its `eachBatch` and the payload's calls. */
async function eachBatchOf(handler: BatchHandler, heartbeat: () => Promise<void>) {
  let eachBatch!: (payload: EachBatchPayload) => Promise<void>;
  const consumer = {
    events: { GROUP_JOIN: 'group_join' },
    on: jest.fn(),
    subscribe: jest.fn().mockResolvedValue(undefined),
    run: jest.fn((options: { eachBatch: typeof eachBatch }) => {
      eachBatch = options.eachBatch;
      return Promise.resolve();
    }),
  } as unknown as Consumer;
  const server = new BatchKafkaServer(
    { client: { brokers: ['127.0.0.1:9092'] }, consumer: { groupId: 'g', heartbeatInterval: 40 } },
    ['grid.records.v1'],
    () => handler,
  );
  await server.bindEvents(consumer);
  const payload = {
    batch: { isEmpty: () => false } as unknown as Batch,
    isRunning: () => true,
    isStale: () => false,
    heartbeat: jest.fn(heartbeat),
    resolveOffset: jest.fn(),
    uncommittedOffsets: jest.fn(() => ({ topics: [] })),
    commitOffsetsIfNecessary: jest.fn().mockResolvedValue(undefined),
  };
  return { run: () => eachBatch(payload as unknown as EachBatchPayload), payload };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('BatchKafkaServer: the group membership while a batch is stored', () => {
  it('heartbeats while a batch takes longer than the heartbeat interval', async () => {
    const { run, payload } = await eachBatchOf(
      async () => {
        await sleep(400); // a transaction ten heartbeat intervals long, no call of its own
        return '7';
      },
      () => Promise.resolve(),
    );
    await run();
    // Ticks at half the interval (kafkajs itself sends one per interval at most).
    expect(payload.heartbeat.mock.calls.length).toBeGreaterThanOrEqual(8);
    expect(payload.resolveOffset).toHaveBeenCalledWith('7');
    expect(payload.commitOffsetsIfNecessary).toHaveBeenCalled();
  });

  it('stops no timer of its own once the batch is done', async () => {
    const { run, payload } = await eachBatchOf(
      () => Promise.resolve('1'),
      () => Promise.resolve(),
    );
    await run();
    const calls = payload.heartbeat.mock.calls.length;
    await sleep(150);
    expect(payload.heartbeat.mock.calls.length).toBe(calls);
  });

  it('a heartbeat refused for a rebalance stops the batch after the part in hand, commits it, then surfaces', async () => {
    const rebalancing = Object.assign(new Error('The group is rebalancing'), {
      type: 'REBALANCE_IN_PROGRESS',
    });
    let refuse = false;
    const parts: boolean[] = [];
    const { run, payload } = await eachBatchOf(
      async (context) => {
        let durable: string | undefined;
        for (const offset of ['1', '2', '3', '4']) {
          if (context.shouldStop()) break;
          refuse = offset === '2'; // the group starts rebalancing while part 2 is stored
          await sleep(100);
          durable = offset;
          parts.push(true);
          await context.heartbeat(); // never throws into the handler
        }
        return durable;
      },
      () => (refuse ? Promise.reject(rebalancing) : Promise.resolve()),
    );
    // kafkajs's runner gets the error after the commit, and joins the group again.
    await expect(run()).rejects.toBe(rebalancing);
    expect(parts).toHaveLength(2);
    expect(payload.resolveOffset).toHaveBeenCalledWith('2');
    expect(payload.commitOffsetsIfNecessary).toHaveBeenCalled();
  });
});

describe('the consumer settings', () => {
  it('a 10 s session and 3 s heartbeats by default', () => {
    const kafka = requireKafka(loadConfig({ KAFKA_BROKERS: '127.0.0.1:9092' }));
    expect(kafka.sessionTimeoutMs).toBe(10_000);
    expect(kafka.heartbeatIntervalMs).toBe(3000);
  });

  it('refuses heartbeats no more often than the session times out, and a session under the broker minimum', () => {
    expect(() =>
      loadConfig({ KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '6000' }),
    ).toThrow(/KAFKA_HEARTBEAT_INTERVAL_MS: must be below KAFKA_SESSION_TIMEOUT_MS/);
    expect(() => loadConfig({ KAFKA_SESSION_TIMEOUT_MS: '5000' })).toThrow(
      /KAFKA_SESSION_TIMEOUT_MS:/,
    );
  });
});
