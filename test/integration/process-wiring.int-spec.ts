import { FeedPipeline, IngestTransaction } from '@hub/feeds';
import { FormsService } from '@hub/forms';
import { DIVISION_INDEX } from '@hub/places';
import { PersonResolver, ResolutionService } from '@hub/resolution';
import { apiOnScenarioDatabase } from '../support/scenario-api';

/** A provider's private field, to check which instance it was given. */
const field = (provider: object, name: string): unknown =>
  (provider as Record<string, unknown>)[name];

/**
 * Modules share capabilities by importing the module that provides them, not by listing the
 * providers again: a process then has one of each. The division catalog is large to read and
 * the resolver must be one (its callers share its locks' protocol).
 */
describe('process wiring', () => {
  const suite = apiOnScenarioDatabase();

  it('gives the API process one DivisionIndex, shared by the ingest, the read API and the forms', () => {
    const index = suite.api.get(DIVISION_INDEX, { strict: false });
    expect(field(suite.api.get(FeedPipeline, { strict: false }), 'divisions')).toBe(index);
    expect(field(suite.api.get(FormsService, { strict: false }), 'divisions')).toBe(index);
  });

  it('gives the API process one PersonResolver, for the ingest and for operators’ decisions', () => {
    const resolver = suite.api.get(PersonResolver, { strict: false });
    expect(field(suite.api.get(IngestTransaction, { strict: false }), 'persons')).toBe(resolver);
    expect(field(suite.api.get(ResolutionService, { strict: false }), 'resolver')).toBe(resolver);
  });
});
