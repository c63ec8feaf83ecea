import { createHmac } from 'node:crypto';
import { webhookBackoffMs, webhookSignature } from './webhook-dispatcher';

describe('webhook delivery policy', () => {
  it('doubles the wait after each failure, from the base up to five minutes', () => {
    expect([1, 2, 3, 4].map((n) => webhookBackoffMs(n, 1000))).toEqual([1000, 2000, 4000, 8000]);
    expect(webhookBackoffMs(20, 1000)).toBe(300_000);
    expect(webhookBackoffMs(0, 250)).toBe(250);
  });

  it('signs the exact body as sha256=<hex HMAC-SHA256> under the secret', () => {
    const body = '[{"id":"1"}]';
    const expected = createHmac('sha256', 'k').update(body).digest('hex');
    expect(webhookSignature('k', body)).toBe(`sha256=${expected}`);
    expect(webhookSignature('k', `${body} `)).not.toBe(`sha256=${expected}`);
  });
});
