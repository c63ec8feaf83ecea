import { Module, RequestMethod } from '@nestjs/common';
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
          // No ID or phone numbers in the logged URL, query, route parameters or headers.
          serializers: { err: serializeError, req: redactRequest },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
