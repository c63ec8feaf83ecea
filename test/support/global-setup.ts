import './register-paths';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrationsLocked } from '@hub/persistence';
import {
  createRunDatabase,
  dockerAnswers,
  provideKafka,
  providePostgresServer,
} from './test-services';

/** What global-teardown.ts undoes; kept on globalThis because both run in jest's parent process. */
export interface StartedServices {
  stops: (() => Promise<void>)[];
}

declare global {
  var __hubTestServices: StartedServices | undefined;
}

const log = (message: string) => process.stderr.write(`[test services] ${message}\n`);

export default async function globalSetup(): Promise<void> {
  const stops: (() => Promise<void>)[] = [];
  globalThis.__hubTestServices = { stops };
  const docker = await dockerAnswers();
  const postgres = await providePostgresServer(log, docker);
  stops.unshift(() => postgres.stop());
  const database = await createRunDatabase(postgres.address);
  stops.unshift(() => database.drop());
  const kafka = await provideKafka(log, docker);
  stops.unshift(() => kafka.stop());

  // Migrate once for the whole run; suites then share the schema and seeded places.
  const dataSource = await new DataSource(dataSourceOptions(database.url, 2)).initialize();
  await runMigrationsLocked(dataSource);
  await dataSource.destroy();
  // A copy nobody connects to, which scenario databases are made from (scenario-database.ts).
  const template = await createRunDatabase(postgres.address, database.name);
  stops.unshift(() => template.drop());
  process.env.HUB_TEST_TEMPLATE_DATABASE = template.name;

  // Workers inherit the parent's environment.
  process.env.DATABASE_URL = database.url;
  process.env.KAFKA_BROKERS = kafka.address;
}
