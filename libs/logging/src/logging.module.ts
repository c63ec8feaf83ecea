import { Module, RequestMethod } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { HUB_CONFIG, HubConfig } from '@hub/config';
import { serializeError } from './error-serializer';
import { logOutput, loggerOptions } from './log-output';
import { redactRequest } from './redact';

/**
 * Logs (pino) for every hub process, request logs included: JSON, or pretty lines on a terminal
 * (log-output.ts); Nest's start-up lines at debug.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) => {
        const pinoHttp: PinoHttpOptions = {
          ...loggerOptions(config),
          // Probes hit these every few seconds; logging them drowns everything else.
          autoLogging: {
            ignore: (req) => ['/health', '/ready', '/metrics'].includes(req.url ?? ''),
          },
          redact: ['req.headers.authorization', 'req.headers.cookie'],
          // One id per request across replicas and restarts (the audit trail records it): the
          // caller's X-Request-Id when it is a plain token, else a new UUID; echoed back.
          genReqId: (req, res) => {
            const given = req.headers['x-request-id'];
            const id =
              typeof given === 'string' && /^[\w.:-]{8,128}$/.test(given) ? given : randomUUID();
            res.setHeader('X-Request-Id', id);
            return id;
          },
          // No ID or phone numbers in the logged URL, query, route parameters or headers.
          serializers: { err: serializeError, req: redactRequest },
        };
        const { stream } = logOutput(config);
        return {
          // Express 5 path syntax (nestjs-pino's default '*' draws a deprecation warning on Nest 11).
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
          pinoHttp: stream ? [pinoHttp, stream] : pinoHttp,
        };
      },
    }),
  ],
})
export class LoggingModule {}
