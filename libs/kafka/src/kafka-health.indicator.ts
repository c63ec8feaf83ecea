import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Admin } from 'kafkajs';
import { HUB_CONFIG } from '@hub/config';
import type { HubConfig } from '@hub/config';
import { createKafka } from './kafka-client';

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
      const admin = await this.connectedAdmin(this.config.kafka);
      const cluster = await withTimeout(admin.describeCluster(), timeoutMs);
      return indicator.up({ brokers: cluster.brokers.length });
    } catch (error) {
      // Reconnect from scratch next time: a half-open admin client never recovers by itself.
      await this.reset();
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async connectedAdmin(kafka: NonNullable<HubConfig['kafka']>): Promise<Admin> {
    if (!this.admin) {
      this.admin = createKafka({ ...kafka, clientId: `${kafka.clientId}-health` }).admin({
        retry: { retries: 0 },
      });
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
