import { INestApplication, RequestMethod, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from '@hub/logging';
import type { HubConfig } from '@hub/config';
import { ApiModule } from './api.module';

/** Builds the configured API application (used by main.ts and by the end-to-end tests). */
export async function createApiApp(
  config: HubConfig,
  databaseUrl: string,
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    ApiModule.register(config, databaseUrl),
    {
      bufferLogs: true,
      bodyParser: false,
    },
  );
  // Department pushes can be large: JSON arrays and NDJSON up to HUB_PUSH_MAX_BYTES.
  app.useBodyParser('json', { limit: config.ingest.pushMaxBytes });
  app.useBodyParser('text', {
    type: ['application/x-ndjson', 'text/plain'],
    limit: config.ingest.pushMaxBytes,
  });
  app.useLogger(app.get(Logger));
  // Logs buffered during start-up are otherwise written only by listen(); an app that is only
  // init()ed (the tests) would keep every later log, unhandled errors included, in the buffer.
  app.flushLogs();
  app.setGlobalPrefix('v1', {
    exclude: ['health', 'ready', 'metrics'].map((path) => ({ path, method: RequestMethod.GET })),
  });
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Grassroots data hub')
      .setDescription(
        'One form, many uses (一表通): the unified model of person, event, object, place and organization.',
      )
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return app;
}
