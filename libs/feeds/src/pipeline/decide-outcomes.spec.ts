import { recordKey } from '@hub/model';
import { decideOutcomes } from './decide-outcomes';
import type { PreparedRecord } from './prepare-record';

let index = 0;
const version = (id: string, v: number, cancelled = false): PreparedRecord => ({
  kind: 'prepared',
  index: index++,
  feed: 'population',
  sourceRecordId: id,
  version: String(v),
  versionKey: String(v).padStart(20, '0'),
  cancelled,
  observedAt: new Date(0),
  raw: Buffer.alloc(0),
  payload: Buffer.alloc(0),
  key: id,
});

describe('decideOutcomes', () => {
  it('accepts newer versions and ends what they replace within the batch', () => {
    const [v1, v2] = [version('A', 1), version('A', 2)];
    const plan = decideOutcomes([v1, v2], new Map(), new Set());
    expect([plan.outcomes.get(v1.index), plan.outcomes.get(v2.index)]).toEqual([
      'accepted',
      'accepted',
    ]);
    expect(plan.store.map((p) => [p.record.version, p.status, p.supersededInBatch])).toEqual([
      ['1', 'accepted', true],
      ['2', 'accepted', false],
    ]);
    expect(plan.supersede).toEqual([]);
  });

  it('supersedes the stored head when a newer version arrives', () => {
    const heads = new Map([
      [recordKey('population', 'A'), { versionKey: '1'.padStart(20, '0'), currentId: '42' }],
    ]);
    const plan = decideOutcomes([version('A', 2)], heads, new Set());
    expect(plan.supersede).toEqual(['42']);
  });

  it('names the records stored before the batch: those with a head, not those new to it', () => {
    const heads = new Map([
      [recordKey('population', 'A'), { versionKey: '1'.padStart(20, '0'), currentId: '42' }],
    ]);
    const plan = decideOutcomes(
      [version('A', 2), version('B', 1), version('B', 2)],
      heads,
      new Set(),
    );
    expect([...plan.storedBefore]).toEqual([recordKey('population', 'A')]);
  });

  it('keeps an older version arriving after a newer one as stale history', () => {
    const [v3, v2] = [version('A', 3), version('A', 2)];
    const plan = decideOutcomes([v3, v2], new Map(), new Set());
    expect(plan.outcomes.get(v2.index)).toBe('stale');
    expect(plan.store.find((p) => p.record === v2)?.status).toBe('stale');
    expect(plan.store.find((p) => p.record === v3)?.supersededInBatch).toBe(false);
  });

  it('treats a redelivered version as a no-op, in the batch or already stored', () => {
    const [a, b] = [version('A', 1), version('A', 1)];
    const known = new Set([`${recordKey('population', 'B')}\u001f7`]);
    const c = version('B', 7);
    const plan = decideOutcomes([a, b, c], new Map(), known);
    expect([
      plan.outcomes.get(a.index),
      plan.outcomes.get(b.index),
      plan.outcomes.get(c.index),
    ]).toEqual(['accepted', 'duplicate', 'duplicate']);
    expect(plan.store).toHaveLength(1);
  });

  it('stores a cancellation as the new head, ending the facts of the version before', () => {
    const heads = new Map([
      [recordKey('population', 'A'), { versionKey: '2'.padStart(20, '0'), currentId: '9' }],
    ]);
    const zx = version('A', 3, true);
    const plan = decideOutcomes([zx], heads, new Set());
    expect(plan.store[0].status).toBe('cancelled');
    expect(plan.supersede).toEqual(['9']);
  });

  it('ends in the same head whatever order distinct versions arrive in', () => {
    const orders = [
      [1, 2, 3],
      [3, 2, 1],
      [2, 3, 1],
    ];
    const heads = orders.map((order) => {
      const plan = decideOutcomes(
        order.map((v) => version('A', v)),
        new Map(),
        new Set(),
      );
      return plan.store
        .filter((p) => p.status !== 'stale' && !p.supersededInBatch)
        .map((p) => p.record.version);
    });
    expect(heads).toEqual([['3'], ['3'], ['3']]);
  });
});
