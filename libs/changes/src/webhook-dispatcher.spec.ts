import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { webhookBackoffMs, webhookMessageId, webhookSignature } from './webhook-dispatcher';
import { newWebhookSecret } from './webhooks.controller';

describe('webhook delivery policy', () => {
  it('doubles the wait after each failure, from the base up to five minutes', () => {
    expect([1, 2, 3, 4].map((n) => webhookBackoffMs(n, 1000))).toEqual([1000, 2000, 4000, 8000]);
    expect(webhookBackoffMs(20, 1000)).toBe(300_000);
    expect(webhookBackoffMs(0, 250)).toBe(250);
  });

  it('makes Standard Webhooks secrets: whsec_ and 32 random bytes in base64', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it('signs "<id>.<unix seconds>.<body>" with HMAC-SHA256 of the key, as v1,<base64>', () => {
    const key = Buffer.alloc(32, 7);
    const secret = `whsec_${key.toString('base64')}`;
    const body = '[{"id":"1"}]';
    const at = new Date('2026-12-01T08:00:00.750Z');
    const seconds = Math.floor(at.getTime() / 1000);
    const expected = createHmac('sha256', key)
      .update(`sub:1-1.${seconds}.${body}`)
      .digest('base64');
    expect(webhookSignature(secret, 'sub:1-1', at, body)).toBe(`v1,${expected}`);
    expect(webhookSignature(secret, 'sub:1-2', at, body)).not.toBe(`v1,${expected}`);
    expect(webhookSignature(secret, 'sub:1-1', at, `${body} `)).not.toBe(`v1,${expected}`);
  });

  it('is verified by the standardwebhooks package, and refused with another secret or body', () => {
    const secret = newWebhookSecret();
    const body = '[{"id":"e1"},{"id":"e2"}]';
    const now = new Date();
    const headers = {
      'webhook-id': 'sub:7-9',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': webhookSignature(secret, 'sub:7-9', now, body),
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual([{ id: 'e1' }, { id: 'e2' }]);
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });

  it('names a message by its subscription and the positions of its first and last event', () => {
    const events = [{ position: '17' }, { position: '18' }, { position: '40' }];
    expect(webhookMessageId('s1', events)).toBe('s1:17-40');
    expect(webhookMessageId('s1', events.slice(0, 1))).toBe('s1:17-17');
  });
});
