import { fromFile, Parser } from '@asyncapi/parser';
import { join } from 'node:path';
import { findSchemasDir } from './schema-registry';

describe('schemas/asyncapi.yaml', () => {
  it('is a valid AsyncAPI 3.0 document naming every topic the hub consumes and produces', async () => {
    const { document, diagnostics } = await fromFile(
      new Parser(),
      join(findSchemasDir(), 'asyncapi.yaml'),
    ).parse();
    // Errors and warnings fail; information and hints (e.g. "3.1.0 exists") do not.
    // (Severity 0 and 1; the enum comes in two declarations, so compare the numbers.)
    expect(diagnostics.filter((d) => Number(d.severity) <= 1)).toEqual([]);
    expect(document!.version()).toBe('3.0.0');
    const byAddress = Object.fromEntries(
      document!
        .operations()
        .all()
        .flatMap((op) =>
          op
            .channels()
            .all()
            .map((c) => [c.address(), op.action()]),
        ),
    );
    expect(byAddress).toEqual({
      'ps.population.v1': 'receive',
      'ca.assistance.v1': 'receive',
      'grid.records.v1': 'receive',
      'ps.population.v1.dlq': 'send',
      'ca.assistance.v1.dlq': 'send',
      'grid.records.v1.dlq': 'send',
      'hub.changes.v1': 'send',
    });
    // The change event's payload is the schema in schemas/events, resolved from the file.
    const change = document!
      .channels()
      .all()
      .find((c) => c.address() === 'hub.changes.v1')!;
    const payload = change.messages().all()[0].payload()!;
    expect(payload.required()).toEqual(expect.arrayContaining(['id', 'entityseq', 'data']));
  });
});
