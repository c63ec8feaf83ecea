import { Module, RequestMethod } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import { HUB_CONFIG, HubConfig } from '@hub/config';
import { serializeError } from './error-serializer';
import { redactRequest } from './redact';

/** Structured JSON logs (pino) for every hub process, request logs included. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) => ({
        // Express 5 path syntax (nestjs-pino's default '*' draws a deprecation warning on Nest 11).
        forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
        pinoHttp: {
          level: config.logLevel,
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
        },
      }),
    }),
  ],
})
export class LoggingModule {}
