import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { addHubFormats } from '@hub/normalize';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * The repository's `schemas/` folder (every JSON Schema of feeds, model, forms and events):
 * the nearest one above this file, so it is found from the sources, from dist/ and in the image.
 */
export function findSchemasDir(from = __dirname): string {
  return findRepoFolder('schemas', from);
}

/**
 * `name` (schemas/, mappings/) in the nearest project root above `from`, so it is found from
 * the sources, from dist/ and in the image alike.
 */
export function findRepoFolder(name: string, from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, name)))
      return join(dir, name);
    if (dirname(dir) === dir) throw new Error(`no ${name}/ folder above ${from}`);
  }
}

function schemaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return schemaFiles(path);
    return entry.name.endsWith('.schema.json') ? [path] : [];
  });
}

const AJV_OPTIONS = {
  strict: true,
  allowUnionTypes: true,
  // `anyOf: [{ required: [a] }, { required: [b] }]` names properties defined beside it.
  strictRequired: false,
};

/**
 * Loads and compiles every `*.schema.json` under `schemas/` (JSON Schema draft 2020-12) once,
 * so a broken or dangling schema stops the process at start rather than on the first record.
 */
export class SchemaRegistry {
  private readonly ajv = new Ajv2020({ ...AJV_OPTIONS, allErrors: true });
  /**
   * The same schemas stopping at the first error: with allErrors, Ajv's time grows with the
   * square of the failing items of a large array (a message of 120,000 empty items took 50 s).
   */
  private readonly firstErrorAjv = new Ajv2020({ ...AJV_OPTIONS, allErrors: false });
  /** Schema file (relative to schemas/, e.g. "model/person.schema.json") → $id. */
  private readonly ids = new Map<string, string>();

  /** `dirs`: schemas/ and any extra folders (a new department's schema outside the repo). */
  constructor(dirs: string | string[] = findSchemasDir()) {
    for (const ajv of [this.ajv, this.firstErrorAjv]) {
      addFormats(ajv);
      addHubFormats(ajv);
    }
    for (const dir of Array.isArray(dirs) ? dirs : [dirs]) this.load(dir);
    for (const id of this.ids.values()) this.ajv.getSchema(id);
  }

  private load(dir: string) {
    for (const file of schemaFiles(dir)) {
      const schema = JSON.parse(readFileSync(file, 'utf8')) as { $id?: string };
      const name = relative(dir, file);
      if (!schema.$id) throw new Error(`schema ${name} has no $id`);
      this.ajv.addSchema(schema);
      this.firstErrorAjv.addSchema(schema);
      this.ids.set(name, schema.$id);
    }
  }

  get files(): string[] {
    return [...this.ids.keys()].sort();
  }

  /** The compiled validator of a schema, by file name under schemas/ or by $id. */
  validator<T = unknown>(nameOrId: string): ValidateFunction<T> {
    const validate = this.ajv.getSchema<T>(this.ids.get(nameOrId) ?? nameOrId);
    if (!validate) throw new Error(`unknown schema ${nameOrId}`);
    return validate;
  }

  /** The schema's validator that stops at the first error (see firstErrorAjv). */
  firstErrorValidator<T = unknown>(nameOrId: string): ValidateFunction<T> {
    const validate = this.firstErrorAjv.getSchema<T>(this.ids.get(nameOrId) ?? nameOrId);
    if (!validate) throw new Error(`unknown schema ${nameOrId}`);
    return validate;
  }

  /** Validation errors as one readable line: `/path: message` each. */
  describe(errors: ErrorObject[] | null | undefined): string {
    return (errors ?? [])
      .map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`)
      .join('; ');
  }
}
