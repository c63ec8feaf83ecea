import { RequestMethod, type INestApplication, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { ACCESS_RULE, type AccessRule } from '@hub/access';
import request from 'supertest';
import { apiOnScenarioDatabase } from '../support/scenario-api';

const ZERO_UUID = '00000000-0000-4000-8000-000000000000';

/**
 * Every route of the API and the rule that guards it. A route added without a rule, or with a
 * rule other than the one written here, fails this test: no endpoint is ever open by accident,
 * and a change of who may call a route is a change of this table, seen in review.
 * personal(…): permission, X-Purpose, masking and an audit row; permission(…): no personal data.
 */
const EXPECTED: Record<string, string> = {
  'GET /health': 'public',
  'GET /ready': 'public',
  'GET /metrics': 'public',
  'POST /v1/auth/token': 'public',
  'POST /v1/auth/refresh': 'authenticated',
  'GET /v1/auth/me': 'authenticated',
  'GET /v1/purposes': 'authenticated',
  'POST /v1/admin/clients': 'permission(clients:manage) audited',
  'GET /v1/admin/clients': 'permission(clients:manage)',
  'POST /v1/admin/clients/:id/rotate': 'permission(clients:manage) audited',
  'DELETE /v1/admin/clients/:id': 'permission(clients:manage) audited',
  'POST /v1/admin/users': 'permission(users:manage) audited',
  'GET /v1/admin/users': 'permission(users:manage)',
  'POST /v1/admin/users/:id/deactivate': 'permission(users:manage) audited',
  'GET /v1/admin/rejects': 'permission(rejects:read)',
  'GET /v1/admin/rejects/summary': 'permission(rejects:read)',
  'GET /v1/admin/rejects/:id': 'personal(rejects:read-raw)',
  'POST /v1/admin/rejects/replay': 'permission(rejects:replay) audited',
  'GET /v1/admin/rejects/replay/:jobId': 'permission(rejects:read)',
  'POST /v1/admin/rejects/:id/replay': 'permission(rejects:replay) audited',
  'POST /v1/feeds/:feed/records': 'permission(feeds:push)',
  'GET /v1/divisions/:code': 'permission(divisions:read)',
  'GET /v1/persons': 'personal(persons:search)',
  'GET /v1/persons/:id': 'personal(persons:read)',
  'GET /v1/persons/:id/explain': 'personal(persons:read)',
  'POST /v1/persons/:id/split': 'personal(persons:split)',
  'GET /v1/persons/:id/access-log': 'personal(persons:access-log)',
  'GET /v1/persons/:id/events': 'personal(events:read)',
  'GET /v1/events/:id': 'personal(events:read)',
  'GET /v1/review-tasks': 'personal(review-tasks:read)',
  'POST /v1/review-tasks/:id/decision': 'personal(review-tasks:decide)',
  'GET /v1/resolution/links': 'personal(resolution-links:read)',
  'GET /v1/places': 'personal(places:read)',
  'GET /v1/places/:id': 'personal(places:read)',
  'GET /v1/organizations': 'personal(organizations:read)',
  'GET /v1/organizations/:id': 'personal(organizations:read)',
  'GET /v1/changes': 'personal(changes:read)',
  'GET /v1/forms': 'authenticated',
  'GET /v1/forms/:templateId': 'authenticated',
  'GET /v1/forms/elderly-roster/export': 'personal(forms:prefill)',
  'POST /v1/forms/:templateId/prefill': 'personal(forms:prefill)',
  'POST /v1/forms/:templateId/submissions': 'personal(forms:submit)',
  'GET /v1/forms/submissions/:submissionId': 'personal(forms:prefill)',
  'GET /v1/reports': 'authenticated',
  'POST /v1/reports/:templateId': 'permission(reports:read) audited',
  'POST /v1/reports/:templateId/cells': 'personal(persons:read)',
  'POST /v1/webhooks': 'permission(webhooks:manage)',
  'GET /v1/webhooks': 'permission(webhooks:manage)',
  'GET /v1/webhooks/health': 'permission(webhooks:health)',
  'GET /v1/webhooks/:id': 'permission(webhooks:manage)',
  'POST /v1/webhooks/:id/revive': 'permission(webhooks:manage)',
  'DELETE /v1/webhooks/:id': 'permission(webhooks:manage)',
};

const UNPREFIXED = ['health', 'ready', 'metrics'];

function describeRule(rule: AccessRule | undefined): string {
  if (!rule) return 'NO RULE';
  if (rule.kind !== 'permission') return rule.kind;
  const kind = rule.purpose ? 'personal' : 'permission';
  const audited = !rule.purpose && rule.audit ? ' audited' : '';
  return `${kind}(${rule.permission})${audited}`;
}

/** Every route the app's controllers declare, with the rule on its handler or its class. */
function declaredRoutes(app: INestApplication): Record<string, string> {
  const routes: Record<string, string> = {};
  const join = (...parts: string[]) =>
    '/' +
    parts
      .flatMap((p) => p.split('/'))
      .filter(Boolean)
      .join('/');
  for (const module of app.get(ModulesContainer).values())
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type;
      const base = (Reflect.getMetadata(PATH_METADATA, controller) as string) ?? '';
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        if (name === 'constructor') continue;
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const verb = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const full = join(base, path);
        const prefixed = UNPREFIXED.includes(full.slice(1)) ? full : join('v1', full);
        const rule = (Reflect.getMetadata(ACCESS_RULE, handler) ??
          Reflect.getMetadata(ACCESS_RULE, controller)) as AccessRule | undefined;
        routes[`${verb} ${prefixed}`] = describeRule(rule);
      }
    }
  return routes;
}

describe('every route has its access rule', () => {
  const suite = apiOnScenarioDatabase();

  it('lists each route of the API with the rule written here, and no route without one', () => {
    const declared = declaredRoutes(suite.api);
    expect(Object.keys(declared).length).toBeGreaterThan(30);
    expect(declared).toEqual(EXPECTED);
  });

  it('answers 401 without a credential on every route that is not public', async () => {
    const http = request(suite.api.getHttpServer());
    for (const [route, rule] of Object.entries(EXPECTED)) {
      if (rule === 'public') continue;
      const [verb, path] = route.split(' ');
      const url = path
        .replace(/:feed/, 'population')
        .replace(/:code/, '500116')
        .replace(/:\w+/g, ZERO_UUID);
      const res = await http[verb.toLowerCase() as 'get' | 'post' | 'delete'](url).send({});
      expect(`${route} ${res.status}`).toBe(`${route} 401`);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('shows each guarded operation in /docs with the bearer scheme and who may call it', async () => {
    const document = (await request(suite.api.getHttpServer()).get('/docs-json').expect(200))
      .body as {
      paths: Record<
        string,
        Record<
          string,
          {
            security?: unknown;
            description?: string;
            parameters?: { name: string; in: string; required?: boolean }[];
          }
        >
      >;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(document.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    for (const [route, rule] of Object.entries(EXPECTED)) {
      if (rule === 'public') continue;
      const [verb, path] = route.split(' ');
      const operation = document.paths[path.replace(/:(\w+)/g, '{$1}')]?.[verb.toLowerCase()];
      expect(`${route}: ${JSON.stringify(operation?.security)}`).toBe(`${route}: [{"bearer":[]}]`);
      if (rule.startsWith('permission') || rule.startsWith('personal'))
        expect(operation?.description).toMatch(/\*\*Permission\*\* `[a-z-]+:[a-z-]+`/);
      if (rule.startsWith('personal'))
        expect(operation?.parameters).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ name: 'X-Purpose', in: 'header', required: true }),
          ]),
        );
    }
  });
});
