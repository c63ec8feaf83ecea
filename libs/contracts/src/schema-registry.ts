import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * The repository's `schemas/` folder (every JSON Schema of feeds, model, forms and events):
 * the nearest one above this file, so it is found from the sources, from dist/ and in the image.
 */
export function findSchemasDir(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'schemas', 'model'))) return join(dir, 'schemas');
    if (dirname(dir) === dir) throw new Error(`no schemas/ folder above ${from}`);
  }
}

function schemaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return schemaFiles(path);
    return entry.name.endsWith('.schema.json') ? [path] : [];
  });
}

/**
 * Loads and compiles every `*.schema.json` under `schemas/` (JSON Schema draft 2020-12) once,
 * so a broken or dangling schema stops the process at start rather than on the first record.
 */
export class SchemaRegistry {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });
  /** Schema file (relative to schemas/, e.g. "model/person.schema.json") → $id. */
  private readonly ids = new Map<string, string>();

  constructor(dir = findSchemasDir()) {
    addFormats(this.ajv);
    for (const file of schemaFiles(dir)) {
      const schema = JSON.parse(readFileSync(file, 'utf8')) as { $id?: string };
      const name = relative(dir, file);
      if (!schema.$id) throw new Error(`schema ${name} has no $id`);
      this.ajv.addSchema(schema);
      this.ids.set(name, schema.$id);
    }
    for (const id of this.ids.values()) this.ajv.getSchema(id);
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
}
