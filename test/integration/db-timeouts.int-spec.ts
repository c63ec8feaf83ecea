import { Client } from 'pg';
import request from 'supertest';
import { DataSource, type QueryRunner } from 'typeorm';
import { MIGRATION_LOCK_KEY, runMigrationsLocked, sqlStateOf } from '@hub/persistence';
import { asAdmin } from '../support/access';
import { apiOnScenarioDatabase } from '../support/scenario-api';

const POOL_SIZE = 2;
const ACQUIRE_TIMEOUT_MS = 800;
const STATEMENT_TIMEOUT_MS = 1000;
/** What `/ready` waits for PostgreSQL's answer at most by itself (HealthController). */
const PING_TIMEOUT_MS = 2000;

/**
 * The API's time limits on database work (HUB_DB_ACQUIRE_TIMEOUT_MS, HUB_DB_STATEMENT_TIMEOUT_MS),
 * on a real PostgreSQL through the API's own pool: an exhausted pool and a statement over its
 * time answer 503 at once, never a request left hanging.
 */
describe('database time limits of the API', () => {
  const suite = apiOnScenarioDatabase({
    DATABASE_POOL_SIZE: String(POOL_SIZE),
    HUB_DB_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS),
    HUB_DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
  });
  const pool = () => suite.api.get(DataSource);
  const timed = async <T>(work: () => Promise<T>) => {
    const started = performance.now();
    const result = await work();
    return { result, ms: performance.now() - started };
  };

  /** Every connection of the API's pool, each running a statement for `seconds`. */
  async function poolBusyFor(seconds: number): Promise<() => Promise<void>> {
    const runners: QueryRunner[] = [];
    for (let i = 0; i < POOL_SIZE; i++) {
      const runner = pool().createQueryRunner();
      await runner.connect();
      runners.push(runner);
    }
    const sleeping = runners.map(async (runner) => {
      await runner.query('SET statement_timeout = 0');
      await runner.query('SELECT pg_sleep($1)', [seconds]);
      await runner.query('RESET statement_timeout');
    });
    return async () => {
      await Promise.all(sleeping);
      for (const runner of runners) await runner.release();
    };
  }

  it('runs every session of the pool under the statement timeout', async () => {
    const [{ statement_timeout }] =
      await pool().query<{ statement_timeout: string }[]>('SHOW statement_timeout');
    expect(statement_timeout).toBe('1s');
    const failure = await pool()
      .query('SELECT pg_sleep(3)')
      .catch((error: unknown) => error);
    expect(sqlStateOf(failure)).toBe('57014');
  });

  it('answers /ready with 503 within the acquire timeout while every connection is busy', async () => {
    const done = await poolBusyFor(3);
    try {
      const { result, ms } = await timed(() => request(suite.api.getHttpServer()).get('/ready'));
      expect(result.status).toBe(503);
      expect(result.body).toMatchObject({
        status: 'error',
        error: { postgres: { status: 'down' } },
      });
      // Down because no connection came free within the acquire timeout, well before the
      // ping's own timeout, and long before the busy statements end.
      expect(ms).toBeGreaterThanOrEqual(ACQUIRE_TIMEOUT_MS - 50);
      expect(ms).toBeLessThan(PING_TIMEOUT_MS - 200);

      const api = await timed(() => asAdmin(suite.api, null).get('/v1/admin/rejects/summary'));
      expect(api.result.status).toBe(503);
      expect(api.result.headers['retry-after']).toBe('5');
      expect(api.result.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'no database connection became free in time; try again later',
      });
      expect(api.ms).toBeLessThan(PING_TIMEOUT_MS - 200);
    } finally {
      await done();
    }
    await request(suite.api.getHttpServer()).get('/ready').expect(200);
  });

  it('answers 503 for a statement cancelled by the statement timeout (57014), not a hung request', async () => {
    // Another session holds the table the route reads: its statement waits until cancelled.
    const holder = new Client({ connectionString: suite.scenario.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE reject IN ACCESS EXCLUSIVE MODE');
      const { result, ms } = await timed(() =>
        asAdmin(suite.api, null).get('/v1/admin/rejects/summary'),
      );
      expect(result.status).toBe(503);
      expect(result.headers['retry-after']).toBe('5');
      expect(result.body.message).toBe(
        'the database did not finish this request in time (statement timeout); try again later',
      );
      expect(ms).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS - 50);
      expect(ms).toBeLessThan(STATEMENT_TIMEOUT_MS + 3000);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await asAdmin(suite.api, null).get('/v1/admin/rejects/summary').expect(200);
  });

  it('migrates without the statement timeout (a replica waits for another’s migrations), and gives it back', async () => {
    const other = new Client({ connectionString: suite.scenario.url });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const migrating = timed(() => runMigrationsLocked(pool()));
      await new Promise((r) => setTimeout(r, STATEMENT_TIMEOUT_MS * 1.5));
      await other.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      const { result, ms } = await migrating;
      expect(result).toEqual([]);
      expect(ms).toBeGreaterThan(STATEMENT_TIMEOUT_MS * 1.5 - 100);
    } finally {
      await other.end();
    }
    // Every session the pool hands out is back under the limit.
    const settings = await Promise.all(
      Array.from({ length: POOL_SIZE }, () =>
        pool().query<{ statement_timeout: string }[]>('SHOW statement_timeout'),
      ),
    );
    expect(settings.map(([s]) => s.statement_timeout)).toEqual(['1s', '1s']);
  });
});
