import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Kafka, type Admin } from 'kafkajs';
import { HUB_CONFIG } from '@hub/config';
import type { HubConfig } from '@hub/config';
import { kafkaClientConfig } from './kafka-client';

/** Readiness: the broker answers a metadata request within the timeout. */
@Injectable()
export class KafkaHealthIndicator implements OnModuleDestroy {
  private admin?: Admin;
  private connected?: Promise<void>;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly health: HealthIndicatorService,
  ) {}

  get configured(): boolean {
    return this.config.kafka !== undefined;
  }

  async isReachable(key: string, timeoutMs = 2000) {
    const indicator = this.health.check(key);
    if (!this.config.kafka) return indicator.up({ message: 'not configured' });
    try {
      // The connection too is bounded: with the broker down, a probe answers 503 in time.
      const cluster = await withTimeout(
        this.connectedAdmin(this.config.kafka).then((admin) => admin.describeCluster()),
        timeoutMs,
      );
      return indicator.up({ brokers: cluster.brokers.length });
    } catch (error) {
      // Reconnect from scratch next time: a half-open admin client never recovers by itself.
      // Not awaited: disconnecting waits for the requests under way (up to kafkajs's 30 s
      // request timeout on a broker that accepts but does not answer), and the probe answers now.
      void this.reset();
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async connectedAdmin(kafka: NonNullable<HubConfig['kafka']>): Promise<Admin> {
    if (!this.admin) {
      // No retries at the client's level: kafkajs connects with the client's retry, not the
      // admin's, and the hub's (8, backing off up to 30 s) kept each probe of the ingest and
      // the relay waiting 40-50 s for its 503 while the broker was down. The next probe tries
      // again.
      this.admin = new Kafka({
        ...kafkaClientConfig({ ...kafka, clientId: `${kafka.clientId}-health` }),
        retry: { retries: 0 },
      }).admin();
      this.connected = this.admin.connect();
    }
    await this.connected;
    return this.admin;
  }

  private async reset() {
    const admin = this.admin;
    this.admin = undefined;
    this.connected = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  async onModuleDestroy() {
    await this.reset();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
