import { request as httpRequest, type IncomingMessage } from 'node:http';
import { BOOTSTRAP_TOKEN, TEST_PURPOSE } from './access';

/**
 * Opens an SSE stream of the change feed as the bootstrap admin (`query`: after, limit…) and
 * answers the response once its head arrives; with a `reader`, reads it from its first byte (a
 * response nobody reads is paused: a stalled client). Each connection has a socket of its own.
 */
export const openChangeStream = (
  port: number,
  query: string,
  reader?: (chunk: Buffer) => void,
): Promise<IncomingMessage> =>
  new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      agent: false,
      path: `/v1/changes?${query}`,
      headers: {
        accept: 'text/event-stream',
        authorization: `Bearer ${BOOTSTRAP_TOKEN}`,
        'x-purpose': TEST_PURPOSE,
      },
    });
    req.once('response', (res) => {
      res.on('error', () => undefined);
      if (reader) res.on('data', reader);
      resolve(res);
    });
    req.once('error', reject);
    req.end();
  });
