import type { RejectedRecord } from '@hub/feeds';
import { deadLetterRequests } from './feed-batch-consumer';

const reject = (bytes: number, n = 0): RejectedRecord => ({
  kind: 'rejected',
  index: n,
  feed: 'population',
  reason: 'schema_violation',
  message: '/XBDM: must be equal to one of the allowed values',
  detail: {},
  raw: Buffer.alloc(bytes, 0x7b),
  key: `K${n}`,
  coordinates: { topic: 'ps.population.v1', partition: 0, offset: String(n) },
});

/** What a request weighs: its values and keys (headers are small beside them). */
const weight = (messages: ReturnType<typeof deadLetterRequests>[number]) =>
  messages.reduce((sum, m) => sum + (m.value as Buffer).length + String(m.key).length, 0);

describe('deadLetterRequests', () => {
  it('splits many rejects into produce requests under the broker’s 1 MiB', () => {
    const rejects = Array.from({ length: 12_000 }, (_, n) => reject(322, n));
    const requests = deadLetterRequests(rejects);
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.flat()).toHaveLength(12_000);
    expect(requests.flat().map((m) => m.key)).toEqual(rejects.map((r) => r.key));
    for (const request of requests) expect(weight(request)).toBeLessThan(1 << 20);
  });

  it('sends a large reject alone, and cuts one over 900 kB, saying how large it was', () => {
    const requests = deadLetterRequests([
      reject(600_000, 1),
      reject(600_000, 2),
      reject(2_000_000, 3),
    ]);
    expect(requests.map((r) => r.length)).toEqual([1, 1, 1]);
    const cut = requests[2][0];
    expect((cut.value as Buffer).length).toBe(900 * 1024);
    expect(cut.headers).toMatchObject({ 'hub-raw-bytes': '2000000', 'hub-raw-truncated': 'true' });
    expect(requests[0][0].headers).not.toHaveProperty('hub-raw-truncated');
  });
});
