import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Consumer, KafkaJSSASLAuthenticationError, Producer } from 'kafkajs';
import pino from 'pino';
import { loadConfig, requireKafka } from '@hub/config';
import { createKafka, ensureTopics, PRODUCER_CONFIG } from '@hub/kafka';
import { RunningBroker, startBroker, stopBroker } from '../../scripts/kafka-broker';
import { waitFor } from '../support/wait-for';

/**
 * The hub's Kafka client over SASL/SCRAM-SHA-512, configured from the environment variables
 * alone, against a second local broker of its own (scripts/kafka-broker.ts with a SASL
 * listener and one SCRAM user), not the run's shared plain broker.
 */
describe('Kafka over SASL/SCRAM-SHA-512', () => {
  const user = { username: 'hub-it', password: randomBytes(18).toString('base64url') };
  const dir = mkdtempSync(join(tmpdir(), 'hub-kafka-sasl-'));
  let broker: RunningBroker | undefined;
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;

  const hubConfig = (password: string) =>
    requireKafka(
      loadConfig({
        KAFKA_BROKERS: broker!.saslBrokers,
        KAFKA_CLIENT_ID: 'it-sasl',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: user.username,
        KAFKA_SASL_PASSWORD: password,
      }),
    );

  beforeAll(async () => {
    // Its own state file: `npm run kafka:stop` must still find the run's plain broker.
    broker = await startBroker({ dir, stateFile: join(dir, 'state.json'), sasl: user });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await consumer?.disconnect();
    if (broker) await stopBroker(broker);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a topic, produces and consumes with the right credentials', async () => {
    const config = hubConfig(user.password);
    expect(config.sasl).toEqual({ mechanism: 'scram-sha-512', ...user });
    const kafka = createKafka(config);
    const topic = `it.sasl.${randomUUID()}`;
    expect(await ensureTopics(kafka, [topic], { partitions: 1, replicationFactor: 1 })).toEqual([
      topic,
    ]);

    const received: string[] = [];
    consumer = kafka.consumer({ groupId: `it-sasl-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void received.push(message.value!.toString()),
    });
    producer = kafka.producer(PRODUCER_CONFIG);
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'over SCRAM-SHA-512' }] });

    await waitFor(async () => (received.length > 0 ? true : undefined), {
      what: 'the message back from the SASL listener',
    });
    expect(received).toEqual(['over SCRAM-SHA-512']);
  });

  it('fails with a SASL authentication error on a wrong password', async () => {
    // kafkajs logs the refusal before it throws; the assertion below is the check.
    const admin = createKafka(
      hubConfig(`${user.password}-wrong`),
      pino({ level: 'silent' }),
    ).admin();
    try {
      const connecting = admin.connect();
      await expect(connecting).rejects.toBeInstanceOf(KafkaJSSASLAuthenticationError);
      await expect(connecting).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/);
    } finally {
      await admin.disconnect();
    }
  });
});
