import type { LookupAddress } from 'node:dns';
import {
  addressRefusal,
  checkWebhookTarget,
  guardedLookup,
  loggableUrl,
  normalizeHost,
  parseWebhookTarget,
  WebhookTargetError,
  type LookupAll,
} from './webhook-target';

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });
/** A resolver answering from a table (ENOTFOUND for other names). */
const dnsOf =
  (table: Record<string, LookupAddress[]>) =>
  async (host: string): Promise<LookupAddress[]> => {
    const found = table[host];
    if (!found)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };

describe('webhook targets', () => {
  describe('addresses', () => {
    it.each([
      ['127.0.0.1', /loopback/],
      ['127.255.0.9', /loopback/],
      ['::1', /loopback/],
      ['10.0.0.1', /private/],
      ['172.16.0.1', /private/],
      ['172.31.255.255', /private/],
      ['192.168.1.10', /private/],
      ['100.64.0.1', /carrier-grade NAT/],
      ['169.254.1.1', /link-local/],
      ['fe80::1', /link-local/],
      ['fe80::1%eth0', /link-local/],
      ['fc00::1', /unique-local/],
      ['fd12:3456::1', /unique-local/],
      ['0.0.0.0', /unspecified/],
      ['0.1.2.3', /unspecified/],
      ['::', /unspecified/],
      ['224.0.0.1', /multicast/],
      ['ff02::1', /multicast/],
      ['255.255.255.255', /reserved/],
      ['169.254.169.254', /metadata/],
      ['fd00:ec2::254', /metadata/],
      ['100.100.100.200', /metadata/],
      ['::ffff:127.0.0.1', /loopback/],
      ['::ffff:7f00:1', /loopback/],
      ['::ffff:10.1.2.3', /private/],
      ['::ffff:169.254.169.254', /metadata/],
      ['::127.0.0.1', /embedding an IPv4/],
      ['64:ff9b::a00:1', /embedding an IPv4/],
      ['2002:a00:1::1', /embedding an IPv4/],
    ])('refuses %s', (address, rule) => {
      expect(addressRefusal(address)).toMatch(rule);
    });

    it.each([
      '8.8.8.8',
      '203.0.112.1',
      '172.32.0.1',
      '100.128.0.1',
      '2400:3200::1',
      '::ffff:8.8.8.8',
    ])('allows the public address %s', (address) => {
      expect(addressRefusal(address)).toBeNull();
    });
  });

  describe('parsing, without DNS', () => {
    const refusal = (url: string, allowlist: string[] = []) => {
      try {
        parseWebhookTarget(url, allowlist);
      } catch (error) {
        expect(error).toBeInstanceOf(WebhookTargetError);
        return (error as Error).message;
      }
      return null;
    };

    it('takes an https URL to a public host', () => {
      const target = parseWebhookTarget('https://Hooks.Example.COM./in?t=1', []);
      expect(target).toMatchObject({ host: 'hooks.example.com', allowlisted: false });
      expect(target.url.href).toBe('https://hooks.example.com./in?t=1');
    });

    it('refuses what is not an absolute http(s) URL', () => {
      expect(refusal('not a url')).toMatch(/not a valid absolute URL/);
      expect(refusal('/relative')).toMatch(/not a valid absolute URL/);
      expect(refusal('ftp://x.example/')).toMatch(/must use https, not ftp/);
      expect(refusal('file:///etc/passwd')).toMatch(/must use https/);
    });

    it('takes plain http only to allowlisted hosts', () => {
      expect(refusal('http://hooks.example.com/')).toMatch(
        /must use https: plain http only to hosts in HUB_WEBHOOK_ALLOWLIST/,
      );
      expect(refusal('http://127.0.0.1:8080/')).toMatch(/must use https/);
      expect(refusal('http://127.0.0.1:8080/', ['127.0.0.1'])).toBeNull();
      expect(refusal('http://Hooks.Internal/', ['hooks.internal'])).toBeNull();
      expect(refusal('http://[::1]:9/', ['[::1]'])).toBeNull();
    });

    it('refuses literal non-public addresses, in every spelling, unless allowlisted', () => {
      expect(refusal('https://10.0.0.1/x')).toMatch(/10\.0\.0\.1 is a private address/);
      expect(refusal('https://[::1]/')).toMatch(/::1 is a loopback address/);
      expect(refusal('https://0x7f.1/')).toMatch(/127\.0\.0\.1 is a loopback address/);
      expect(refusal('https://2130706433/')).toMatch(/loopback/);
      expect(refusal('https://[::ffff:127.0.0.1]/')).toMatch(/loopback/);
      expect(refusal('https://0.0.0.0/')).toMatch(/unspecified/);
      expect(refusal('https://10.0.0.1/x', ['10.0.0.1'])).toBeNull();
    });

    it('refuses loopback names and metadata services, the latter even when allowlisted', () => {
      expect(refusal('https://localhost/')).toMatch(/localhost is a loopback name/);
      expect(refusal('https://LOCALHOST./')).toMatch(/loopback name/);
      expect(refusal('https://api.localhost/')).toMatch(/loopback name/);
      expect(refusal('https://169.254.169.254/')).toMatch(/cloud metadata address/);
      expect(refusal('https://169.254.169.254/', ['169.254.169.254'])).toMatch(/metadata/);
      expect(refusal('https://[fd00:ec2::254]/')).toMatch(/metadata/);
      expect(refusal('https://metadata.google.internal/computeMetadata/v1/')).toMatch(
        /metadata service/,
      );
      expect(refusal('http://metadata.google.internal/', ['metadata.google.internal'])).toMatch(
        /metadata service/,
      );
    });

    it('normalizes hosts and allowlist entries alike', () => {
      expect(normalizeHost('[::1]')).toBe('::1');
      expect(normalizeHost('[0:0:0:0:0:0:0:1]')).toBe('::1');
      expect(normalizeHost('Example.ORG.')).toBe('example.org');
      expect(refusal('https://[0:0::1]/', ['::1'])).toBeNull();
    });
  });

  describe('after DNS', () => {
    const resolve = dnsOf({
      'hooks.example.com': [v4('93.184.216.34'), v6('2606:2800:220:1::1')],
      'split.example.com': [v4('93.184.216.34'), v4('10.1.2.3')],
      'rebind.example.com': [v4('127.0.0.1')],
      'meta.example.com': [v4('169.254.169.254')],
      'v6private.example.com': [v6('fd00::5')],
      'mapped.example.com': [v6('::ffff:192.168.0.1')],
      'hooks.internal': [v4('10.20.0.5')],
    });

    it('takes a host whose every address is public', async () => {
      await expect(
        checkWebhookTarget('https://hooks.example.com/x', [], resolve),
      ).resolves.toMatchObject({
        host: 'hooks.example.com',
        addresses: ['93.184.216.34', '2606:2800:220:1::1'],
      });
    });

    it.each([
      [
        'https://split.example.com/',
        /split\.example\.com resolves to 10\.1\.2\.3, which is a private address/,
      ],
      ['https://rebind.example.com/', /resolves to 127\.0\.0\.1, which is a loopback address/],
      ['https://meta.example.com/', /cloud metadata address/],
      ['https://v6private.example.com/', /unique-local/],
      ['https://mapped.example.com/', /private/],
      ['https://nowhere.example.com/', /nowhere\.example\.com does not resolve \(ENOTFOUND\)/],
    ])('refuses %s', async (url, rule) => {
      await expect(checkWebhookTarget(url, [], resolve)).rejects.toThrow(rule);
      await expect(checkWebhookTarget(url, [], resolve)).rejects.toBeInstanceOf(WebhookTargetError);
    });

    it('takes a private address of an allowlisted host, or an allowlisted address', async () => {
      await expect(
        checkWebhookTarget('https://hooks.internal/', ['hooks.internal'], resolve),
      ).resolves.toMatchObject({
        addresses: ['10.20.0.5'],
      });
      await expect(
        checkWebhookTarget('https://hooks.internal/', ['10.20.0.5'], resolve),
      ).resolves.toBeDefined();
      await expect(
        checkWebhookTarget('https://meta.example.com/', ['meta.example.com'], resolve),
      ).rejects.toThrow(/metadata/);
    });

    it('does not look up a literal address', async () => {
      const never = jest.fn(resolve);
      await expect(checkWebhookTarget('https://8.8.8.8/', [], never)).resolves.toMatchObject({
        addresses: ['8.8.8.8'],
      });
      expect(never).not.toHaveBeenCalled();
    });
  });

  describe('the connection lookup of a delivery', () => {
    /** A lookup whose answers change between calls, as a rebinding DNS server's do. */
    const lookupOf =
      (answers: LookupAddress[][]): LookupAll =>
      (_host, _options, callback) =>
        callback(null, answers.shift() ?? []);
    const run = (lookup: ReturnType<typeof guardedLookup>, all: boolean) =>
      new Promise<{ error: Error | null; address: unknown; family?: number }>((done) =>
        lookup('rebind.example.com', { all }, (error, address, family) =>
          done({ error, address, family }),
        ),
      );

    it('refuses the connection when the name now resolves to a non-public address', async () => {
      const target = parseWebhookTarget('https://rebind.example.com/', []);
      const lookup = guardedLookup(target, [], lookupOf([[v4('10.0.0.7')]]));
      const { error } = await run(lookup, false);
      expect(error).toBeInstanceOf(WebhookTargetError);
      expect(error?.message).toMatch(
        /rebind\.example\.com resolves to 10\.0\.0\.7, which is a private/,
      );
    });

    it('refuses when any one of the addresses is non-public', async () => {
      const target = parseWebhookTarget('https://rebind.example.com/', []);
      const lookup = guardedLookup(target, [], lookupOf([[v4('8.8.8.8'), v6('::1')]]));
      expect((await run(lookup, true)).error?.message).toMatch(/loopback/);
    });

    it('answers the checked addresses in the form asked for', async () => {
      const target = parseWebhookTarget('https://rebind.example.com/', []);
      const one = guardedLookup(target, [], lookupOf([[v4('8.8.8.8'), v6('2001:4860::8888')]]));
      expect(await run(one, false)).toEqual({ error: null, address: '8.8.8.8', family: 4 });
      const all = guardedLookup(target, [], lookupOf([[v4('8.8.8.8')]]));
      expect(await run(all, true)).toEqual({
        error: null,
        address: [v4('8.8.8.8')],
        family: undefined,
      });
    });

    it('passes resolver errors on', async () => {
      const target = parseWebhookTarget('https://rebind.example.com/', []);
      const failing: LookupAll = (_h, _o, callback) =>
        callback(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), []);
      expect((await run(guardedLookup(target, [], failing), false)).error?.message).toMatch(
        /ENOTFOUND/,
      );
    });
  });

  it('logs URLs without credentials, query or fragment', () => {
    expect(loggableUrl('https://u:p@hooks.example.com:8443/in?token=s3cret#x')).toBe(
      'https://hooks.example.com:8443/in',
    );
    expect(loggableUrl('::')).toBe('(invalid url)');
  });
});
