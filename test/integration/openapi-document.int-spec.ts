import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiDocument } from '../../apps/api/src/api-app';
import { apiOnScenarioDatabase } from '../support/scenario-api';

const OPENAPI_FILE = join(__dirname, '..', '..', 'apps', 'web', 'openapi.json');

/**
 * The staff page's API types are generated from apps/web/openapi.json (npm run build:web): the
 * file must be the API's own document, or the page would compile against routes that are not
 * there. `npm run openapi` writes it.
 */
describe('apps/web/openapi.json', () => {
  const suite = apiOnScenarioDatabase();

  it('is the OpenAPI document the API serves (npm run openapi writes it)', () => {
    const committed: unknown = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));
    // Through JSON as the file was written: undefined fields dropped.
    const live: unknown = JSON.parse(JSON.stringify(apiDocument(suite.api)));
    expect(committed).toEqual(live);
  });
});
