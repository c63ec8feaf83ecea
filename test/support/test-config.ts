import { HubConfig, loadConfig } from '@hub/config';
import { BOOTSTRAP_TOKEN, TEST_SECRETS_KEY } from './access';

/** The hub configuration for a test: the services from global-setup plus per-test overrides. */
export function testConfig(overrides: Record<string, string> = {}): HubConfig {
  return loadConfig({
    DATABASE_URL: process.env.DATABASE_URL,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    // Browser tests of a page built elsewhere (test/e2e/staff-page.ts).
    HUB_WEB_DIR: process.env.HUB_WEB_DIR,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    HUB_MIGRATE_ON_START: 'true',
    // In-process ingest apps share the test database; the relay and the webhook dispatcher are
    // tested on their own.
    HUB_CHANGE_RELAY: 'false',
    HUB_WEBHOOKS: 'false',
    HUB_BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN,
    HUB_SECRETS_KEY: TEST_SECRETS_KEY,
    ...overrides,
  });
}
