// `npm run demo:generate`: writes demo/<feed>.ndjson, the small data set `npm start` loads on
// its embedded default. Generated (seeded, so stable), never hand-typed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateMixedStream } from '../test/generators/mixed-stream';

const FEED_OF_TOPIC: Record<string, string> = {
  'ps.population.v1': 'population',
  'ca.assistance.v1': 'assistance',
  'grid.records.v1': 'grid',
};

const dir = resolve(__dirname, '../demo');
mkdirSync(dir, { recursive: true });
const stream = generateMixedStream({ records: 300, seed: 500116 });
for (const [topic, feed] of Object.entries(FEED_OF_TOPIC)) {
  const lines = stream.messages.filter((m) => m.topic === topic).map((m) => m.value);
  writeFileSync(join(dir, `${feed}.ndjson`), `${lines.join('\n')}\n`);
  process.stdout.write(`${feed}: ${lines.length} records\n`);
}
