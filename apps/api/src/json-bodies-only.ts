import type { IncomingHttpHeaders } from 'node:http';
import { raw, type NextFunction, type Request, type Response } from 'express';

/** The only request bodies the API reads: JSON, and NDJSON for department pushes. */
export const ACCEPTED_BODY_TYPES = ['application/json', 'application/x-ndjson'] as const;

const METHODS_WITH_BODIES = new Set(['POST', 'PUT', 'PATCH']);

/** Whether a request announces a body: a Content-Length above 0, or a Transfer-Encoding. */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = Number(headers['content-length']);
  return Number.isFinite(length) && length > 0;
}

/** The media type of a Content-Type header, less its parameters (`; charset=utf-8`), lower case. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Express middleware answering 415 to a POST, PUT or PATCH whose body is neither
 * `application/json` nor `application/x-ndjson` (parameters such as a charset allowed), before
 * the body is read and before any guard. A `text/plain` or form body is what a web page may
 * send cross-origin without a CORS preflight: refused, a page a staff member opens cannot push
 * records or change anything through their browser.
 */
export function jsonBodiesOnly() {
  const accepted = new Set<string>(ACCEPTED_BODY_TYPES);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!METHODS_WITH_BODIES.has(req.method) || !hasBody(req.headers)) return next();
    const type = mediaType(req.headers['content-type']);
    if (accepted.has(type)) return next();
    res.status(415).json({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: `${type === '' ? 'no Content-Type' : `Content-Type ${JSON.stringify(type.slice(0, 100))}`}: only ${ACCEPTED_BODY_TYPES.join(' and ')} request bodies are accepted`,
    });
  };
}

/** The route departments push records to (FeedPushController), under the global prefix. */
export const PUSH_ROUTE = '/v1/feeds/:feed/records';

/**
 * Reads a department push's body as bytes (a Buffer), JSON or NDJSON, up to `limit` (413 beyond):
 * the push decodes it by the charset it declares (GBK from legacy systems, which the JSON parser
 * refuses) and rejects a record whose bytes are not valid in it (`bad_encoding`), where a parser
 * would have read them as U+FFFD. Mounted on PUSH_ROUTE before the JSON parser, which then leaves
 * the body read.
 */
export const pushBodiesAsBytes = (limit: number) => raw({ type: [...ACCEPTED_BODY_TYPES], limit });
