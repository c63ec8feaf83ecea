import { QueryFailedError } from 'typeorm';
import { serializeError } from './error-serializer';

describe('serializeError', () => {
  const driverError = Object.assign(new Error('out of shared memory'), {
    code: '53200',
    hint: 'You might need to increase "max_locks_per_transaction".',
  });
  const failed = new QueryFailedError(
    `SELECT pg_advisory_xact_lock(h) FROM unnest($1::text[]) h ${'-- padding '.repeat(200)}`,
    [Array.from({ length: 10_000 }, (_, i) => `person-block\u001fname|${i}`)],
    driverError,
  );

  it("keeps a failed query's SQLSTATE, message and hint, without its parameters", () => {
    const logged = serializeError(failed);
    expect(logged).toMatchObject({
      type: 'QueryFailedError',
      message: 'out of shared memory',
      code: '53200',
      hint: driverError.hint,
      parameterCount: 1,
    });
    expect(logged).not.toHaveProperty('parameters');
    expect(logged).not.toHaveProperty('driverError');
    expect(String(logged.query)).toHaveLength(1001);
    expect(JSON.stringify(logged).length).toBeLessThan(5000);
  });

  it('serializes other errors as pino does, and non-errors as their text', () => {
    expect(serializeError(new RangeError('too far'))).toMatchObject({
      type: 'RangeError',
      message: 'too far',
    });
    expect(serializeError('plain')).toEqual({ message: 'plain' });
  });

  it('never leaves the message empty or a bare "undefined"', () => {
    expect(serializeError(undefined).message).toBe('a non-Error value was thrown: undefined');
    expect(serializeError(null).message).toBe('a non-Error value was thrown: null');
    expect(serializeError({ code: 'E1' })).toEqual({
      code: 'E1',
      message: "a non-Error value was thrown: { code: 'E1' }",
    });
    expect(serializeError(new Error()).message).toBe('Error without a message');
    const refused = new AggregateError([
      new Error('connect ECONNREFUSED ::1:5432'),
      new Error('b'),
    ]);
    expect(serializeError(refused).message).toBe('connect ECONNREFUSED ::1:5432; b');
  });

  it("takes pino's serialization of an error too (as pino-http hands it over)", () => {
    const logged = serializeError({ type: 'QueryFailedError', message: 'm', parameters: [1, 2] });
    expect(logged).toEqual({ type: 'QueryFailedError', message: 'm', parameterCount: 2 });
  });
});
