import { SchemaRegistry } from '@hub/contracts';
import type { FeedName } from './feed-messages';
import { fitsNdjsonLine, generateHostileMessages, sha256 } from './hostile-messages';
import { jiangjinDivisions } from './jiangjin';

const registry = new SchemaRegistry();
const validators = {
  population: registry.firstErrorValidator('feeds/population.schema.json'),
  assistance: registry.firstErrorValidator('feeds/assistance.schema.json'),
  grid: registry.firstErrorValidator('feeds/grid.schema.json'),
};
const schemaValid = (feed: FeedName, value: Buffer) => {
  try {
    return validators[feed](JSON.parse(value.toString('utf8')));
  } catch {
    return false;
  }
};

describe('hostile messages', () => {
  const divisions = jiangjinDivisions();
  const messages = generateHostileMessages({ count: 1200, seed: 38, divisions });

  it('are the same for the same seed', () => {
    const again = generateHostileMessages({ count: 1200, seed: 38, divisions });
    expect(again.map((m) => sha256(m.value))).toEqual(messages.map((m) => sha256(m.value)));
    const other = generateHostileMessages({ count: 1200, seed: 39, divisions });
    expect(other.map((m) => sha256(m.value))).not.toEqual(messages.map((m) => sha256(m.value)));
  });

  it('are all different within a feed, and each small kind is there', () => {
    expect(new Set(messages.map((m) => `${m.feed}:${sha256(m.value)}`)).size).toBe(messages.length);
    const kinds = new Set(messages.map((m) => m.kind));
    for (const kind of ['wrong_type', 'missing_required', 'truncated', 'nul', 'lone_surrogate'])
      expect(kinds).toContain(kind);
  });

  it('hold the giants a few times each, sized against the limits', () => {
    const giants = messages.filter((m) =>
      ['deep_nesting', 'huge_array', 'large_value'].includes(m.kind),
    );
    expect(giants.length).toBeLessThanOrEqual(20);
    const twoMb = giants.filter((m) => m.value.length > 2_000_000);
    expect(twoMb.length).toBeGreaterThanOrEqual(3);
    // Over Kafka nothing near the broker's default message.max.bytes (1 MiB).
    expect(
      Math.max(...messages.filter((m) => m.transport === 'kafka').map((m) => m.value.length)),
    ).toBeLessThan(400_000);
    // Small ones are small: the giants hold every message over 64 kB.
    expect(messages.filter((m) => m.value.length > 64_000).every((m) => giants.includes(m))).toBe(
      true,
    );
  });

  it('go over HTTP only as lines an NDJSON push can carry', () => {
    const http = messages.filter((m) => m.transport === 'http');
    expect(http.length).toBeGreaterThan(400);
    expect(http.every((m) => fitsNdjsonLine(m.value))).toBe(true);
  });

  it('are mostly invalid by the schema alone', () => {
    const valid = messages.filter((m) => schemaValid(m.feed, m.value));
    expect(valid.length).toBeLessThan(messages.length * 0.3);
  });
});
