import { INestApplication, RequestMethod, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AccessPolicy } from '@hub/access';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from '@hub/logging';
import type { HubConfig } from '@hub/config';
import { ApiModule } from './api.module';
import { jsonBodiesOnly, PUSH_ROUTE, pushBodiesAsBytes } from './json-bodies-only';
import { RefuseNulCharacters } from './refuse-nul-characters';
import { isStaffPagePath, serveStaffPage, staffPageHeaders } from './staff-page';

/** Request headers a browser page on an allowed origin may send (HUB_CORS_ORIGINS). */
const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'x-purpose', 'last-event-id'];

/**
 * helmet's security headers. The API answers JSON: nothing in it may load or frame anything.
 * Swagger UI at /docs (its scripts and stylesheet from /docs/, inline styles) gets helmet's
 * default policy, less `upgrade-insecure-requests`: served over plain HTTP inside a network,
 * the page would otherwise ask for its scripts over HTTPS and stay blank. The staff page has its
 * own policy (staff-page.ts).
 */
function securityHeaders() {
  const api = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
  });
  const docs = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  const page = staffPageHeaders();
  return (req: Request, res: Response, next: NextFunction) =>
    (req.path === '/docs' || req.path.startsWith('/docs/')
      ? docs
      : isStaffPagePath(req.path)
        ? page
        : api)(req, res, next);
}

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
  app.use(securityHeaders());
  // Off unless HUB_CORS_ORIGINS names the origins of web pages allowed to call the API.
  if (config.http.corsOrigins.length > 0)
    app.enableCors({
      origin: config.http.corsOrigins,
      credentials: false,
      allowedHeaders: CORS_ALLOWED_HEADERS,
    });
  // 415 for any other body (text/plain, forms: what a page can send without a preflight).
  app.use(jsonBodiesOnly());
  // Department pushes can be large: JSON arrays and NDJSON up to HUB_PUSH_MAX_BYTES, read as
  // bytes that the push decodes by their charset.
  app.use(PUSH_ROUTE, pushBodiesAsBytes(config.ingest.pushMaxBytes));
  app.useBodyParser('json', { limit: config.ingest.pushMaxBytes });
  app.useBodyParser('text', { type: 'application/x-ndjson', limit: config.ingest.pushMaxBytes });
  app.useLogger(app.get(Logger));
  serveStaffPage(app, config);
  // Logs buffered during start-up are otherwise written only by listen(); an app that is only
  // init()ed (the tests) would keep every later log, unhandled errors included, in the buffer.
  app.flushLogs();
  app.setGlobalPrefix('v1', {
    exclude: ['health', 'ready', 'metrics'].map((path) => ({ path, method: RequestMethod.GET })),
  });
  app.useGlobalPipes(
    new RefuseNulCharacters(),
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  const document = apiDocument(app);
  SwaggerModule.setup('docs', app, document);
  return app;
}

/**
 * The OpenAPI document of the API: served at /docs, and written to apps/web/openapi.json
 * (`npm run openapi`), from which the staff page's types are generated.
 */
export function apiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Grassroots data hub')
      .setDescription(
        'The unified model of person, event, object, place and organization, and the department feeds into it. ' +
          'Every /v1 route needs `Authorization: Bearer <credential>`: a staff token from POST /v1/auth/token, ' +
          'or a client API key. Routes with personal data also need `X-Purpose` (GET /v1/purposes), answer only ' +
          'inside your jurisdiction, mask fields by your role, and are audited.',
      )
      .setVersion('1')
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'Staff access token or client API key' },
        'bearer',
      )
      .build(),
  );
  describeWhoMayCall(document, app.get(AccessPolicy));
  return document;
}

/** Adds to each operation of the OpenAPI document the roles and client scopes that may call it. */
function describeWhoMayCall(document: OpenAPIObject, policy: AccessPolicy): void {
  for (const path of Object.values(document.paths))
    for (const operation of Object.values(path) as Record<string, unknown>[]) {
      const permission = operation?.['x-hub-permission'];
      if (typeof permission !== 'string') continue;
      const roles = policy.rolesWith(permission);
      const scopes = policy.scopesWith(permission);
      const who = [
        roles.length ? `roles: ${roles.join(', ')}` : '',
        scopes.length ? `client scopes: ${scopes.join(', ')}` : '',
        permission === 'feeds:push' ? 'department clients, their own feeds' : '',
      ].filter(Boolean);
      const personal = operation['x-hub-personal-data']
        ? ' Personal data: X-Purpose required, jurisdiction-scoped, masked by role, audited.'
        : '';
      operation.description =
        `${(operation.description as string | undefined) ?? ''}\n\n**Permission** \`${permission}\` (${who.join('; ') || 'nobody'}).${personal}`.trim();
    }
}
