import { ArgumentsHost, Catch, Logger, ServiceUnavailableException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { sqlStateOf } from './retried-transaction';

/** Why the database could not do a request's work, when the fault is not the request's. */
export type DatabaseUnavailability = 'statement_timeout' | 'no_free_connection' | 'unreachable';

/** What a caller is told, per cause: the request may succeed later, unchanged. */
const MESSAGES: Record<DatabaseUnavailability, string> = {
  statement_timeout:
    'the database did not finish this request in time (statement timeout); try again later',
  no_free_connection: 'no database connection became free in time; try again later',
  unreachable: 'the database is unavailable; try again later',
};

/** Seconds a client is asked to wait before trying again (Retry-After). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** pg-pool's acquire timeout and pg's connect timeout: the only errors they raise with no code. */
const CONNECT_TIMEOUTS = [
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
];

/** Network errors of a connection to a server that is not there (any more). */
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
]);

/**
 * Tells a database that is busy or gone from a failing query: `57014` (canceled: here by
 * `statement_timeout`), no pooled connection free within the acquire timeout, or a server that
 * cannot be reached, is shutting down (57P01–57P03), has no connection slot left (53300) or lost
 * the connection (class 08). Anything else (a bug, a constraint) is undefined: not for a 503.
 */
export function databaseUnavailability(error: unknown): DatabaseUnavailability | undefined {
  const code = sqlStateOf(error) ?? '';
  if (code === '57014') return 'statement_timeout';
  const message = error instanceof Error ? error.message : '';
  if (CONNECT_TIMEOUTS.includes(message)) return 'no_free_connection';
  if (
    code.startsWith('08') ||
    ['57P01', '57P02', '57P03', '53300'].includes(code) ||
    NETWORK_ERRORS.has(code) ||
    message === 'Connection terminated unexpectedly'
  )
    return 'unreachable';
  return undefined;
}

/**
 * Answers 503 with Retry-After, and logs a warning, for a request whose database work timed out or
 * found no database: a clear answer the caller may retry, instead of a 500 that says a bug, or a
 * request left hanging. Every other error goes to Nest's own handling unchanged.
 */
@Catch()
export class DatabaseUnavailableFilter extends BaseExceptionFilter {
  private readonly log = new Logger('DatabaseUnavailable');

  override catch(exception: unknown, host: ArgumentsHost): void {
    const cause = databaseUnavailability(exception);
    if (cause === undefined || host.getType() !== 'http') return super.catch(exception, host);
    const response = host.switchToHttp().getResponse<Response>();
    this.log.warn({ cause, code: sqlStateOf(exception) }, MESSAGES[cause]);
    // A stream already under way (an export) can only be cut: Nest ends it.
    if (response.headersSent) return super.catch(exception, host);
    response.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    super.catch(new ServiceUnavailableException(MESSAGES[cause]), host);
  }
}
