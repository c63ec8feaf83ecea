import type { INestApplication } from '@nestjs/common';
import { createApiApp } from '../../apps/api/src/api-app';
import { scenarioDatabase } from './scenario-database';
import { testConfig } from './test-config';

/**
 * For a describe block: an API app on a scenario database of its own, started before the
 * block's tests and closed (the database dropped) after them. Read the fields inside tests.
 */
export function apiOnScenarioDatabase(): {
  api: INestApplication;
  scenario: Awaited<ReturnType<typeof scenarioDatabase>>;
} {
  const suite = {} as ReturnType<typeof apiOnScenarioDatabase>;
  beforeAll(async () => {
    suite.scenario = await scenarioDatabase();
    suite.api = await createApiApp(testConfig(), suite.scenario.url);
    await suite.api.init();
  });
  afterAll(async () => {
    await suite.api?.close();
    await suite.scenario?.drop();
  });
  return suite;
}
