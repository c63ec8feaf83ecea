import '../test/support/register-paths';
import {
  createRunDatabase,
  dockerAnswers,
  provideKafka,
  providePostgresServer,
} from '../test/support/test-services';

export interface BenchServices {
  databaseUrl: string;
  kafkaBrokers: string;
  stop(): Promise<void>;
}

/** The same real services as the integration tests (env, testcontainers or local), with a fresh database. */
export async function startBenchServices(log: (m: string) => void): Promise<BenchServices> {
  const docker = await dockerAnswers();
  const postgres = await providePostgresServer(log, docker);
  const database = await createRunDatabase(postgres.address);
  const kafka = await provideKafka(log, docker);
  return {
    databaseUrl: database.url,
    kafkaBrokers: kafka.address,
    stop: async () => {
      await kafka.stop();
      await database.drop();
      await postgres.stop();
    },
  };
}
