import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Producer } from 'kafkajs';
import type { DataSource, QueryRunner } from 'typeorm';
import type { EventEmitter } from 'node:events';
import { HUB_CONFIG, requireKafka, type HubConfig } from '@hub/config';
import { createKafka, PRODUCER_CONFIG } from '@hub/kafka';
import { ChangeLogRepository } from './change-log.repository';
import { ChangeRetention } from './change-retention';
import { CursorBehindRetentionError } from './changes-gone';
import { CHANGES_CHANNEL } from './entity-changes';
import { cloudEventJson, type ChangeEventRow } from './cloud-event';
import { WakeablePause } from './wakeable-pause';

/** Session advisory lock held by the one publishing relay (two-key space, see lockChangeLog). */
const LEASE_KEY = [0x6875625f, 2] as const;
const BATCH = 1000;
const IDLE_MS = 100;
const RETRY_MS = 1000;

/**
 * Publishes the change-event outbox to Kafka (`hub.changes.v1`), keyed by entity id, as
 * CloudEvents in structured JSON mode. Every ingest process may run one; only the holder of the
 * lease (a PostgreSQL session advisory lock on a connection of its own) publishes, and it moves
 * its cursor on that same connection, so a relay whose connection died can no longer advance it.
 * At least once: after a crash or a failed send the same events go again, with the same ids.
 * The lease holder also deletes what it published once older than HUB_CHANGE_RETENTION_DAYS
 * (ChangeRetention).
 */
@Injectable()
export class ChangeRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(ChangeRelay.name);
  private readonly topic: string;
  private readonly producer: Producer;
  private producerConnected = false;
  private lease?: QueryRunner;
  private leaseConnection?: EventEmitter;
  private stopping = false;
  private running?: Promise<void>;
  private readonly pause = new WakeablePause();
  private readonly wake = () => this.pause.wake();
  private readonly retention: ChangeRetention;

  constructor(
    @Inject(HUB_CONFIG) config: HubConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly changeLog: ChangeLogRepository,
  ) {
    this.topic = config.changes.topic;
    this.retention = new ChangeRetention(changeLog, this.topic, config.changes.retentionDays);
    this.producer = createKafka(requireKafka(config)).producer({
      ...PRODUCER_CONFIG,
      // Bounded retries so a broker outage returns control to the loop (events stay in the
      // outbox and go when the broker is back); a retried send repeats ids, never invents them.
      idempotent: false,
      retry: { retries: 3 },
    });
  }

  onApplicationBootstrap(): void {
    this.running = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.pause.wake();
    await this.running;
    await this.releaseLease();
    if (this.producerConnected) await this.producer.disconnect();
  }

  /** Whether this process holds the lease (for probes and tests). */
  get publishing(): boolean {
    return this.lease !== undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        this.lease ??= await this.acquireLease();
        if (!this.lease) {
          await this.pause.sleep(RETRY_MS);
          continue;
        }
        // Retention first: a broker outage (publishOnce throws) does not hold it up.
        const deleting = await this.retention.runDue(this.lease);
        const published = await this.publishOnce(this.lease);
        if (published === 0 && !deleting) await this.pause.sleep(IDLE_MS);
      } catch (error) {
        this.log.warn(`change relay: ${error instanceof Error ? error.message : String(error)}`);
        if (this.lease && !(await this.alive(this.lease))) await this.releaseLease();
        await this.pause.sleep(RETRY_MS);
      }
    }
  }

  private async acquireLease(): Promise<QueryRunner | undefined> {
    const runner = this.db.createQueryRunner();
    // TypeORM hands back the driver's connection (a pg client): it emits the notifications.
    const connection = (await runner.connect()) as EventEmitter;
    const [{ ok }] = (await runner.query(`SELECT pg_try_advisory_lock($1, $2) AS ok`, [
      ...LEASE_KEY,
    ])) as { ok: boolean }[];
    if (!ok) {
      await runner.release();
      return undefined;
    }
    await runner.query(
      `INSERT INTO change_relay_cursor (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`,
      [this.topic],
    );
    // Woken by each commit that wrote events (see lockChangeLog); IDLE_MS polls stay as a
    // fallback. The listener goes with the connection: released (UNLISTEN) or dead.
    connection.on('notification', this.wake);
    this.leaseConnection = connection;
    await runner.query(`LISTEN ${CHANGES_CHANNEL}`);
    this.log.log(`change relay publishing to ${this.topic}`);
    this.retention.restart();
    return runner;
  }

  private async publishOnce(lease: QueryRunner): Promise<number> {
    const [{ position }] = (await lease.query(
      `SELECT position FROM change_relay_cursor WHERE name = $1`,
      [this.topic],
    )) as { position: string }[];
    let rows: ChangeEventRow[];
    try {
      ({ rows } = await this.changeLog.page({ after: position, limit: BATCH }, lease));
    } catch (error) {
      if (!(error instanceof CursorBehindRetentionError)) throw error;
      // Retention deletes no further than the lease holder's cursor, so only a topic's new
      // cursor (KAFKA_TOPIC_PREFIX changed: it starts at 0) can be behind: it goes on from the
      // earliest event kept, as a consumer whose offset is out of range (and does not idle).
      this.log.warn(`change relay: ${error.message}; ${this.topic} goes on from there`);
      await this.moveCursor(lease, error.next);
      return 1;
    }
    if (rows.length === 0) return 0;
    if (!this.producerConnected) {
      await this.producer.connect();
      this.producerConnected = true;
    }
    await this.producer.send({
      topic: this.topic,
      messages: rows.map((row) => ({
        key: row.entity_id,
        value: cloudEventJson(row),
        headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8' },
      })),
    });
    await this.moveCursor(lease, rows[rows.length - 1].position);
    return rows.length;
  }

  private async moveCursor(lease: QueryRunner, position: string): Promise<void> {
    await lease.query(
      `UPDATE change_relay_cursor SET position = $2, updated_at = now() WHERE name = $1`,
      [this.topic, position],
    );
  }

  private async alive(runner: QueryRunner): Promise<boolean> {
    try {
      await runner.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  private async releaseLease(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    if (!lease) return;
    this.leaseConnection?.off('notification', this.wake);
    this.leaseConnection = undefined;
    try {
      await lease.query(`UNLISTEN ${CHANGES_CHANNEL}`);
      await lease.query(`SELECT pg_advisory_unlock($1, $2)`, [...LEASE_KEY]);
      await lease.release();
    } catch {
      // the connection (or the pool, at shutdown) is gone, and the lock with it
    }
  }
}
