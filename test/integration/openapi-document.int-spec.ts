import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { RequestMethod, type INestApplication, type Type } from '@nestjs/common';
import {
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { apiDocument } from '../../apps/api/src/api-app';
import { apiOnScenarioDatabase } from '../support/scenario-api';

const OPENAPI_FILE = join(__dirname, '..', '..', 'apps', 'web', 'openapi.json');

/** Routes the API serves that its document leaves out on purpose, and why. */
const UNDOCUMENTED: Record<string, string> = {
  'GET /metrics': 'Prometheus text for the scraper, not part of the API',
};

/** The search routes and the query parameters a caller of /docs must see to search at all. */
const SEARCHES: Record<string, string[]> = {
  'GET /v1/persons': ['birthDate', 'idNumber', 'limit', 'name', 'phone'],
  'GET /v1/places': ['address', 'division'],
  'GET /v1/organizations': ['division', 'name', 'uscc'],
  'GET /v1/changes': ['after', 'division', 'limit', 'types', 'wait'],
  'GET /v1/admin/rejects': ['after', 'feed', 'limit', 'reason', 'status'],
};

const UNPREFIXED = ['health', 'ready', 'metrics'];

/** The document type of swagger-parser (openapi-types), which it validates. */
type ValidatedDocument = NonNullable<Parameters<SwaggerParser.ApiCallback>[1]>;

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, unknown>;
  additionalProperties?: unknown;
  items?: unknown;
  allOf?: unknown[];
  oneOf?: unknown[];
}

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

/** A handler of the app's controllers: its route, its arguments, the code it answers with. */
interface Handler {
  route: string;
  operationId: string;
  status: number;
  /** Query and path parameters it reads: by name, or the validated properties of its DTO. */
  query: string[];
  path: string[];
  /** Whether it takes a body, and the DTO class it validates the body as. */
  body?: { type: unknown };
}

/** A handler argument: where it comes from, the name it reads or the DTO class it is. */
interface Argument {
  kind: RouteParamtypes;
  named?: string[];
  type: unknown;
}

/** The properties class-validator checks on a DTO class (with those it inherits). */
function validatedProperties(dto: unknown): string[] | undefined {
  if (typeof dto !== 'function' || dto === Object) return undefined;
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  return metadata.length ? [...new Set(metadata.map((m) => m.propertyName))].sort() : undefined;
}

const resolve = (document: OpenAPIObject, schema: Schema | undefined): Schema | undefined =>
  schema?.$ref
    ? document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')]
    : schema;

/** A schema that says something: a type, properties, items or alternatives, not `{}`. */
const describes = (schema: Schema | undefined) =>
  schema !== undefined &&
  (schema.type !== undefined ||
    schema.properties !== undefined ||
    schema.allOf !== undefined ||
    schema.oneOf !== undefined);

// class-transformer keeps the class of a nested DTO (@Type) in a store it does not type.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformer = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: {
    findTypeMetadata(target: unknown, property: string): { typeFunction(): unknown } | undefined;
  };
};

/**
 * Where a body schema of the document and the DTO class the handler validates the body as
 * disagree: each property validated must be in the schema and the other way round, down into
 * nested DTOs (@ValidateNested with @Type).
 */
function bodyProblems(
  document: OpenAPIObject,
  dto: unknown,
  schema: Schema | undefined,
  where: string,
): string[] {
  const validated = validatedProperties(dto);
  if (!validated) return [];
  const properties = Object.keys(schema?.properties ?? {}).sort();
  if (properties.join() !== validated.join())
    return [`${where}: properties [${properties.join()}], validated [${validated.join()}]`];
  return validated.flatMap((property) => {
    const nested = transformer.defaultMetadataStorage
      .findTypeMetadata(dto, property)
      ?.typeFunction();
    let inner = resolve(document, schema?.properties?.[property] as Schema);
    if (inner?.type === 'array') inner = resolve(document, inner.items as Schema);
    return bodyProblems(document, nested, inner, `${where}.${property}`);
  });
}

/** Every route handler of the app, with what it reads from the request. */
function handlers(app: INestApplication): Handler[] {
  const join = (...parts: string[]) =>
    '/' +
    parts
      .flatMap((p) => p.split('/'))
      .filter(Boolean)
      .join('/');
  const found: Handler[] = [];
  for (const module of app.get(ModulesContainer).values())
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type;
      const base = (Reflect.getMetadata(PATH_METADATA, controller) as string) ?? '';
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        const full = join(base, path);
        const route = `${RequestMethod[method]} ${UNPREFIXED.includes(full.slice(1)) ? full : join('v1', full)}`;
        const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, name) ??
          []) as unknown[];
        const args = Object.entries(
          (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<
            string,
            { index: number; data?: unknown }
          >,
        ).map(([key, { index, data }]): Argument => ({
          kind: Number(key.split(':')[0]),
          named: typeof data === 'string' ? [data] : undefined,
          type: types[index],
        }));
        const of = (kind: RouteParamtypes) =>
          args
            .filter((a) => a.kind === kind)
            .flatMap((a) => a.named ?? validatedProperties(a.type) ?? [])
            .sort();
        const body = args.find((a) => a.kind === RouteParamtypes.BODY);
        found.push({
          route,
          operationId: `${controller.name}_${name}`,
          status:
            (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ??
            (method === RequestMethod.POST ? 201 : 200),
          query: of(RouteParamtypes.QUERY),
          path: of(RouteParamtypes.PARAM),
          body: body && { type: body.type },
        });
      }
    }
  return found;
}

/** The operations of the document by operationId, with their route. */
function operations(document: OpenAPIObject): Map<string, Operation & { route: string }> {
  const byId = new Map<string, Operation & { route: string }>();
  for (const [path, item] of Object.entries(document.paths))
    for (const [verb, operation] of Object.entries(item as Record<string, Operation>))
      byId.set(operation.operationId ?? `${verb} ${path}`, {
        ...operation,
        route: `${verb.toUpperCase()} ${path}`,
      });
  return byId;
}

/**
 * The staff page's API types are generated from apps/web/openapi.json (npm run build:web): the
 * file must be the API's own document, or the page would compile against routes that are not
 * there. `npm run openapi` writes it. The document is what /docs shows: it must be valid OpenAPI
 * and describe every parameter, body and success response of every route.
 */
describe('apps/web/openapi.json', () => {
  const suite = apiOnScenarioDatabase();

  it('is the OpenAPI document the API serves (npm run openapi writes it)', () => {
    const committed: unknown = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));
    // Through JSON as the file was written: undefined fields dropped.
    const live: unknown = JSON.parse(JSON.stringify(apiDocument(suite.api)));
    expect(committed).toEqual(live);
  });

  it('is valid OpenAPI by an independent validator (swagger-parser)', async () => {
    // validate() dereferences its argument in place: a copy.
    const document = structuredClone(apiDocument(suite.api)) as ValidatedDocument;
    await expect(SwaggerParser.validate(document)).resolves.toBeDefined();
  });

  it('documents every route, with the query, path and body fields its handler validates', () => {
    const document = apiDocument(suite.api);
    const byId = operations(document);
    const routes = handlers(suite.api);
    expect(routes.length).toBeGreaterThan(30);
    const problems: string[] = [];
    for (const handler of routes) {
      const operation = byId.get(handler.operationId);
      if (!operation) {
        if (!(handler.route in UNDOCUMENTED))
          problems.push(`${handler.route}: not in the document`);
        continue;
      }
      const parameters = (where: string) =>
        (operation.parameters ?? [])
          .filter((p) => p.in === where)
          .map((p) => p.name)
          .sort();
      if (parameters('query').join() !== handler.query.join())
        problems.push(
          `${handler.route}: query parameters [${parameters('query').join()}], the handler validates [${handler.query.join()}]`,
        );
      if (!handler.path.every((name) => parameters('path').includes(name)))
        problems.push(`${handler.route}: path parameters [${parameters('path').join()}]`);
      if (handler.body) {
        const content = Object.values(operation.requestBody?.content ?? {});
        const schema = resolve(document, content[0]?.schema);
        if (!describes(schema))
          problems.push(`${handler.route}: takes a body the document does not describe`);
        else
          problems.push(
            ...bodyProblems(document, handler.body.type, schema, `${handler.route} body`),
          );
      }
      if (!(String(handler.status) in operation.responses))
        problems.push(`${handler.route}: answers ${handler.status}, which the document omits`);
    }
    expect(problems).toEqual([]);
  });

  it('gives every operation a success response with its content type and schema, or 204', () => {
    const document = apiDocument(suite.api);
    const problems: string[] = [];
    for (const operation of operations(document).values()) {
      const success = Object.entries(operation.responses).filter(([code]) => /^2\d\d$/.test(code));
      const described = success.some(([code, response]) => {
        const content = Object.values(response.content ?? {});
        if (code === '204') return content.length === 0;
        return content.length > 0 && content.every((c) => describes(resolve(document, c.schema)));
      });
      if (!described) problems.push(`${operation.route}: no described success response`);
    }
    expect(problems).toEqual([]);
  });

  it('describes the fields of every schema it names (no DTO without @ApiProperty)', () => {
    const document = apiDocument(suite.api);
    const empty = Object.entries(document.components?.schemas ?? {})
      .filter(([, schema]) => {
        const s = schema as Schema;
        return (
          s.type === 'object' &&
          Object.keys(s.properties ?? {}).length === 0 &&
          s.additionalProperties === undefined
        );
      })
      .map(([name]) => name);
    expect(empty).toEqual([]);
  });

  it('lists the query parameters of the search routes, for Try it out in /docs', () => {
    const byRoute = new Map(
      [...operations(apiDocument(suite.api)).values()].map((o) => [o.route, o]),
    );
    const listed = Object.fromEntries(
      Object.keys(SEARCHES).map((route) => [
        route,
        (byRoute.get(route)?.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => p.name)
          .sort(),
      ]),
    );
    expect(listed).toEqual(SEARCHES);
  });
});
