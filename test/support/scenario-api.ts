import type { INestApplication } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { createApiApp } from '../../apps/api/src/api-app';
import { prepareTestAccess } from './access';
import { scenarioDatabase } from './scenario-database';
import { testConfig } from './test-config';

/**
 * An initialized API app on a database, with the test credentials prepared (the bootstrap admin
 * of testConfig, and a department client for pushes: see access.ts).
 */
export async function startTestApi(
  config: HubConfig,
  databaseUrl: string,
): Promise<INestApplication> {
  const api = await createApiApp(config, databaseUrl);
  await api.init();
  await prepareTestAccess(api);
  return api;
}

/**
 * For a describe block: an API app on a scenario database of its own, started before the
 * block's tests and closed (the database dropped) after them. Read the fields inside tests.
 */
export function apiOnScenarioDatabase(overrides: Record<string, string> = {}): {
  api: INestApplication;
  scenario: Awaited<ReturnType<typeof scenarioDatabase>>;
} {
  const suite = {} as ReturnType<typeof apiOnScenarioDatabase>;
  beforeAll(async () => {
    suite.scenario = await scenarioDatabase();
    suite.api = await startTestApi(testConfig(overrides), suite.scenario.url);
  });
  afterAll(async () => {
    await suite.api?.close();
    await suite.scenario?.drop();
  });
  return suite;
}
