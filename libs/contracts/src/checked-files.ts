import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SchemaRegistry } from './schema-registry';

/**
 * Every `*.json` of a folder of data files (form templates, report templates), each checked
 * against its JSON Schema and then by `problems` (what a schema cannot say; each problem names
 * the field as a JSON path). The first bad file throws, naming `what`, the file and the field,
 * so a broken file stops the process at start.
 */
export function loadCheckedFiles<T>(
  what: string,
  dir: string,
  schema: string,
  schemas: SchemaRegistry,
  problems: (data: T, fileId: string) => string[],
): T[] {
  const validate = schemas.validator<T>(schema);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const path = join(dir, file);
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        throw new Error(`${what} ${path}: not JSON: ${(error as Error).message}`);
      }
      if (!validate(data)) throw new Error(`${what} ${path}: ${schemas.describe(validate.errors)}`);
      const found = problems(data, basename(file, '.json'));
      if (found.length > 0) throw new Error(`${what} ${path}: ${found.join('; ')}`);
      return data;
    });
}
