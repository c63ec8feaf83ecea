import { QueryFailedError } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { databaseUnavailability } from './database-unavailable.filter';

/** An error as the pg driver raises it: a message and, from the server, a SQLSTATE. */
const pgError = (message: string, code?: string) => Object.assign(new Error(message), { code });
/** The same, as TypeORM throws it from a query. */
const failedQuery = (message: string, code: string) =>
  new QueryFailedError('SELECT 1', [], pgError(message, code));

describe('databaseUnavailability: which failures answer 503', () => {
  it('a statement cancelled by statement_timeout (57014), as TypeORM wraps it', () => {
    expect(
      databaseUnavailability(failedQuery('canceling statement due to statement timeout', '57014')),
    ).toBe('statement_timeout');
  });

  it('no pooled connection free within the acquire timeout, or a new one not connecting in it', () => {
    expect(databaseUnavailability(pgError('timeout exceeded when trying to connect'))).toBe(
      'no_free_connection',
    );
    expect(databaseUnavailability(pgError('Connection terminated due to connection timeout'))).toBe(
      'no_free_connection',
    );
  });

  it('a server that is gone, shutting down or full', () => {
    for (const error of [
      pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      pgError('Connection terminated unexpectedly'),
      failedQuery('terminating connection due to administrator command', '57P01'),
      pgError('the database system is starting up', '57P03'),
      pgError('sorry, too many clients already', '53300'),
      pgError('connection failure', '08006'),
    ])
      expect(databaseUnavailability(error)).toBe('unreachable');
  });

  it("anything else stays the error it is: a constraint, a bug, the caller's own cancel", () => {
    for (const error of [
      failedQuery('duplicate key value violates unique constraint', '23505'),
      failedQuery('deadlock detected', '40P01'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      'a string',
      undefined,
    ])
      expect(databaseUnavailability(error)).toBeUndefined();
  });
});

describe('dataSourceOptions: the limits of a pool', () => {
  const extra = (options: ReturnType<typeof dataSourceOptions>) =>
    (options as { extra: Record<string, unknown> }).extra;

  it('sets the acquire timeout and the sessions statement_timeout when given', () => {
    expect(
      extra(
        dataSourceOptions('postgres://h/db', 4, {
          acquireTimeoutMs: 5000,
          statementTimeoutMs: 30000,
        }),
      ),
    ).toEqual({
      max: 4,
      application_name: 'grassroots-hub',
      options: '-c jit=off -c statement_timeout=30000',
      connectionTimeoutMillis: 5000,
    });
  });

  it('sets neither without limits, or with 0 (scripts, tests, the CLI, the ingest)', () => {
    for (const options of [
      dataSourceOptions('postgres://h/db', 1),
      dataSourceOptions('postgres://h/db', 1, { acquireTimeoutMs: 0, statementTimeoutMs: 0 }),
    ])
      expect(extra(options)).toEqual({
        max: 2,
        application_name: 'grassroots-hub',
        options: '-c jit=off',
      });
  });
});
