import { stdSerializers } from 'pino';

const MAX_QUERY_CHARS = 1000;

/**
 * pino's error serializer, less what a failed query drags along: TypeORM's QueryFailedError
 * carries the query's `parameters` (a batch's key arrays, hundreds of kilobytes) and the
 * driver's error again. Logged on every retry of a failing batch, they made the log grow by
 * megabytes a minute. The SQLSTATE (`code`), `detail` and `hint` stay; the query is cut.
 * Takes an error, or pino's serialization of one.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  // pino-http hands its error serializer what pino's own serializer already made of the error.
  const serialized =
    error instanceof Error
      ? stdSerializers.err(error)
      : typeof error === 'object' && error !== null
        ? error
        : { message: String(error) };
  const { parameters, driverError, query, ...rest } = serialized as Record<string, unknown>;
  void driverError;
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
