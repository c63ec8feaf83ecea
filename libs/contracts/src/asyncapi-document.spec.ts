import { fromFile, Parser, type AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoFolder, findSchemasDir } from './schema-registry';

/** Each feed of the catalogue, as its mapping file (mappings/*.json) names its topic and schema. */
function catalogFeeds(): { feed: string; topic: string; schema: string }[] {
  const dir = findRepoFolder('mappings');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, string>)
    .map(({ feed, topic, schema }) => ({ feed, topic, schema }));
}

/** The `$id` of a JSON Schema file under schemas/. */
const schemaId = (file: string) =>
  (JSON.parse(readFileSync(join(findSchemasDir(), file), 'utf8')) as { $id: string }).$id;

describe('schemas/asyncapi.yaml', () => {
  let document: AsyncAPIDocumentInterface;
  /** Each channel address with the action of the operation on it. */
  let byAddress: Record<string, string>;

  beforeAll(async () => {
    const parsed = await fromFile(new Parser(), join(findSchemasDir(), 'asyncapi.yaml')).parse();
    // Errors and warnings fail; information and hints (e.g. "3.1.0 exists") do not.
    // (Severity 0 and 1; the enum comes in two declarations, so compare the numbers.)
    expect(parsed.diagnostics.filter((d) => Number(d.severity) <= 1)).toEqual([]);
    document = parsed.document!;
    byAddress = Object.fromEntries(
      document
        .operations()
        .all()
        .flatMap((op) =>
          op
            .channels()
            .all()
            .map((c) => [c.address(), op.action()]),
        ),
    );
  });

  it('is a valid AsyncAPI 3.0 document naming every topic the hub consumes and produces', () => {
    expect(document.version()).toBe('3.0.0');
    expect(byAddress).toEqual({
      'ps.population.v1': 'receive',
      'ca.assistance.v1': 'receive',
      'grid.records.v1': 'receive',
      'hub.township.v1': 'receive',
      'ps.population.v1.dlq': 'send',
      'ca.assistance.v1.dlq': 'send',
      'grid.records.v1.dlq': 'send',
      'hub.township.v1.dlq': 'send',
      'hub.changes.v1': 'send',
    });
    // The change event's payload is the schema in schemas/events, resolved from the file.
    const change = document
      .channels()
      .all()
      .find((c) => c.address() === 'hub.changes.v1')!;
    const payload = change.messages().all()[0].payload()!;
    expect(payload.required()).toEqual(expect.arrayContaining(['id', 'entityseq', 'data']));
  });

  it.each(catalogFeeds())(
    'describes feed $feed: $topic received with its JSON Schema, its dead letters sent',
    ({ topic, schema }) => {
      // Ingest reads every feed of the catalogue and writes what it refused to `<topic>.dlq`.
      expect(byAddress[topic]).toBe('receive');
      expect(byAddress[`${topic}.dlq`]).toBe('send');
      const channel = document
        .channels()
        .all()
        .find((c) => c.address() === topic)!;
      const payloads = channel
        .messages()
        .all()
        .map((m) => m.payload()?.id());
      expect(payloads).toEqual([schemaId(schema)]);
    },
  );
});
