import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import request from 'supertest';
import { ConfigError } from '@hub/config';
import { createApiApp } from '../../apps/api/src/api-app';
import { feedExamples } from '../support/feed-examples';
import { apiOnScenarioDatabase } from '../support/scenario-api';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

/** The bootstrap admin's token from testConfig, for routes behind authentication. */
const AUTHENTICATED = {
  Authorization: 'Bearer test-bootstrap-admin-token',
  'X-Purpose': 'data-verification',
};
const ID_NUMBER = '500381195603022029';
const PHONE = '13800001234';

/**
 * What the API does before any route: bodies other than JSON and NDJSON refused (415), helmet's
 * headers, CORS only for HUB_CORS_ORIGINS, and a request log without ID or phone numbers. None
 * of it depends on a route answering 200, so it holds behind authentication as well.
 */
describe('HTTP hardening', () => {
  const suite = apiOnScenarioDatabase();
  const http = () => request(suite.api.getHttpServer());
  const storedRecords = async () => {
    const [{ n }] = await suite.scenario.db.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM source_record',
    );
    return n;
  };
  let requestLogger: pino.Logger;
  beforeAll(() => {
    // nestjs-pino's root logger is pino-http's, the one this app's request logs go through.
    requestLogger = PinoLogger.root;
  });

  describe('request bodies', () => {
    const [police] = feedExamples();
    const record = () => ({ ...police.value, RKBM: `5001162023${String(Date.now()).slice(-10)}` });
    const refusal = {
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: expect.stringMatching(/only application\/json and application\/x-ndjson/),
    };

    it('refuses a text/plain push (a page can send it cross-origin) with 415, storing nothing', async () => {
      const before = await storedRecords();
      for (const body of [JSON.stringify([record()]), JSON.stringify(record())]) {
        const res = await http()
          .post('/v1/feeds/population/records')
          .set(AUTHENTICATED)
          .set('Content-Type', 'text/plain;charset=UTF-8')
          .send(body)
          .expect(415);
        expect(res.body).toEqual(refusal);
        expect(res.body.message).toContain('"text/plain"');
      }
      expect(await storedRecords()).toBe(before);
    });

    it('refuses form bodies and bodies without a Content-Type with 415', async () => {
      const before = await storedRecords();
      const form = await http()
        .post('/v1/feeds/population/records')
        .set(AUTHENTICATED)
        .type('form')
        .send({ RKBM: '1', XM: '李秀英' })
        .expect(415);
      expect(form.body).toEqual(refusal);
      await http()
        .post('/v1/feeds/population/records')
        .set('Content-Type', 'multipart/form-data; boundary=x')
        .send('--x--')
        .expect(415);
      const untyped = await http()
        .post('/v1/feeds/population/records')
        .set(AUTHENTICATED)
        .unset('Content-Type')
        .send(Buffer.from(JSON.stringify([record()])))
        .expect(415);
      expect(untyped.body.message).toMatch(/^no Content-Type/);
      await http()
        .put('/v1/webhooks/00000000-0000-0000-0000-000000000000')
        .set('Content-Type', 'text/plain')
        .send('x')
        .expect(415);
      expect(await storedRecords()).toBe(before);
    });

    it('passes JSON and NDJSON, with or without a charset, on to the routes', async () => {
      for (const type of [
        'application/json',
        'application/json; charset=utf-8',
        'application/x-ndjson',
        'application/x-ndjson; charset=utf-8',
      ]) {
        // Whatever the route answers (the push, or a refusal by authentication), it is not 415.
        const res = await http()
          .post('/v1/feeds/nope/records')
          .set(AUTHENTICATED)
          .set('Content-Type', type)
          .send(type.includes('ndjson') ? '{"a":1}\n' : '[]');
        expect(res.status).not.toBe(415);
      }
    });
  });

  describe('security headers', () => {
    const expectHelmet = (res: request.Response) => {
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': expect.stringMatching(/max-age=\d+/),
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
        'x-dns-prefetch-control': 'off',
      });
      expect(res.headers).not.toHaveProperty('x-powered-by');
    };

    it('sends them with every answer, and a policy that lets JSON load nothing', async () => {
      const answers = [
        await http().get('/health').expect(200),
        await http().get('/v1/divisions/500116'),
        await http().get('/v1/no-such-route'),
        await http().post('/v1/feeds/grid/records').set('Content-Type', 'text/plain').send('x'),
      ];
      for (const res of answers) {
        expectHelmet(res);
        expect(res.headers['content-security-policy']).toBe(
          "default-src 'none';frame-ancestors 'none'",
        );
      }
    });

    it('lets Swagger UI at /docs load its scripts and styles, over plain HTTP too', async () => {
      const page = await http().get('/docs').expect(200).expect('content-type', /html/);
      expectHelmet(page);
      const csp = String(page.headers['content-security-policy']);
      const directive = (name: string) =>
        csp
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .find(([n]) => n === name)
          ?.slice(1);
      expect(directive('script-src')).toEqual(["'self'"]);
      expect(directive('style-src')).toEqual(expect.arrayContaining(["'self'", "'unsafe-inline'"]));
      expect(directive('img-src')).toEqual(expect.arrayContaining(["'self'", 'data:']));
      // Over HTTP, the page would otherwise ask for its own scripts over HTTPS and stay blank.
      expect(directive('upgrade-insecure-requests')).toBeUndefined();

      // Every script is a file from this origin (script-src 'self' runs no inline script).
      const html = page.text;
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThanOrEqual(3);
      const assets = [...html.matchAll(/(?:src|href)=["']([^"']+)["']/g)]
        .map((m) => m[1])
        .filter((url) => !url.startsWith('http') && !url.startsWith('#'));
      for (const [, attributes, inline] of scripts) {
        expect(attributes).toMatch(/src=/);
        expect(inline.trim()).toBe('');
      }
      expect(assets).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/swagger-ui-bundle\.js$/),
          expect.stringMatching(/swagger-ui-init\.js$/),
          expect.stringMatching(/swagger-ui\.css$/),
        ]),
      );
      for (const asset of assets) {
        const url = new URL(asset, 'http://hub.internal/docs').pathname;
        await http().get(url).expect(200);
      }
      const init = await http().get('/docs/swagger-ui-init.js').expect(200);
      expect(init.text).toContain('/v1/feeds/{feed}/records');
    });
  });

  describe('the staff page', () => {
    // A page of its own (HUB_WEB_DIR), so these do not depend on `npm run build:web`.
    const page = mkdtempSync(join(tmpdir(), 'hub-web-'));
    mkdirSync(join(page, 'assets'));
    writeFileSync(join(page, 'index.html'), '<!doctype html><title>工作台</title>');
    writeFileSync(join(page, 'assets', 'app-1a2b.js'), 'console.log(1)');
    const withPage = apiOnScenarioDatabase({ HUB_WEB_DIR: page });
    const web = () => request(withPage.api.getHttpServer());
    afterAll(() => rmSync(page, { recursive: true, force: true }));

    it('serves its files, and index.html for its own routes, under a policy of its own', async () => {
      for (const path of ['/', '/residents/8d0f6c52-0000-4000-8000-000000000000', '/forms']) {
        const res = await web().get(path).expect(200).expect('content-type', /html/);
        expect(res.text).toContain('工作台');
        expect(res.headers['cache-control']).toBe('no-cache');
        const csp = String(res.headers['content-security-policy']);
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("connect-src 'self'");
        expect(csp).toContain("frame-ancestors 'none'");
      }
      const script = await web().get('/assets/app-1a2b.js').expect(200);
      expect(script.headers['content-type']).toMatch(/javascript/);
    });

    it('leaves the API its own answers: JSON 404s, no page', async () => {
      const missing = await web().get('/v1/no-such-route').expect(404);
      expect(missing.body).toMatchObject({ statusCode: 404 });
      expect(missing.headers['content-security-policy']).toBe(
        "default-src 'none';frame-ancestors 'none'",
      );
      await web().get('/health').expect(200).expect('content-type', /json/);
    });
  });

  describe('CORS', () => {
    const preflight = (server: INestApplication, origin: string) =>
      request(server.getHttpServer())
        .options('/v1/feeds/population/records')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type,x-purpose');

    it('is off by default: no page of another origin is let in', async () => {
      for (const origin of ['https://evil.example', 'https://staff.example']) {
        const res = await preflight(suite.api, origin);
        expect(res.headers).not.toHaveProperty('access-control-allow-origin');
        expect(res.headers).not.toHaveProperty('access-control-allow-headers');
        const get = await http().get('/health').set('Origin', origin).expect(200);
        expect(get.headers).not.toHaveProperty('access-control-allow-origin');
      }
    });

    describe('with HUB_CORS_ORIGINS', () => {
      let cors: INestApplication;
      beforeAll(async () => {
        const config = testConfig({
          HUB_CORS_ORIGINS: 'https://staff.example, http://10.0.0.5:8080',
        });
        cors = await createApiApp(config, suite.scenario.url);
        await cors.init();
      });
      afterAll(async () => {
        await cors?.close();
      });

      it('lets exactly those origins in, without credentials', async () => {
        const res = await preflight(cors, 'https://staff.example').expect(204);
        expect(res.headers).toMatchObject({
          'access-control-allow-origin': 'https://staff.example',
          'access-control-allow-headers': 'authorization,content-type,x-purpose,last-event-id',
          vary: expect.stringMatching(/Origin/),
        });
        expect(res.headers['access-control-allow-methods']).toMatch(/POST/);
        expect(res.headers).not.toHaveProperty('access-control-allow-credentials');
        const get = await request(cors.getHttpServer())
          .get('/health')
          .set('Origin', 'http://10.0.0.5:8080')
          .expect(200);
        expect(get.headers['access-control-allow-origin']).toBe('http://10.0.0.5:8080');
      });

      it('lets no other origin in', async () => {
        for (const origin of [
          'https://evil.example',
          'https://staff.example.evil.example',
          'http://staff.example',
          'null',
        ]) {
          const res = await preflight(cors, origin);
          expect(res.headers).not.toHaveProperty('access-control-allow-origin');
          const get = await request(cors.getHttpServer()).get('/health').set('Origin', origin);
          expect(get.headers).not.toHaveProperty('access-control-allow-origin');
        }
      });

      it('still refuses text/plain bodies from an allowed origin, saying so to the page', async () => {
        const res = await request(cors.getHttpServer())
          .post('/v1/feeds/population/records')
          .set('Origin', 'https://staff.example')
          .set('Content-Type', 'text/plain')
          .send('{}')
          .expect(415);
        expect(res.headers['access-control-allow-origin']).toBe('https://staff.example');
      });
    });

    it('takes only exact http(s) origins in HUB_CORS_ORIGINS, and stops naming the variable otherwise', () => {
      expect(
        testConfig({ HUB_CORS_ORIGINS: ' https://Staff.Example:443 ,http://[::1]:3000,' }).http
          .corsOrigins,
      ).toEqual(['https://staff.example', 'http://[::1]:3000']);
      expect(testConfig().http.corsOrigins).toEqual([]);
      for (const bad of [
        '*',
        'staff.example',
        'https://staff.example/',
        'https://staff.example/app',
        'ftp://staff.example',
        'https://staff.example:99999',
        'https://*.example',
      ]) {
        expect(() => testConfig({ HUB_CORS_ORIGINS: `https://ok.example,${bad}` })).toThrow(
          ConfigError,
        );
        expect(() => testConfig({ HUB_CORS_ORIGINS: bad })).toThrow(/HUB_CORS_ORIGINS:/);
      }
    });
  });

  describe('request log', () => {
    /** Runs `act` with the request log at level info, written to `lines` (returned). */
    async function capturedLog(act: (lines: string[]) => Promise<void>): Promise<string[]> {
      const logger = requestLogger as unknown as Record<symbol, unknown> & pino.Logger;
      const lines: string[] = [];
      const { streamSym } = pino.symbols;
      const [stream, level] = [logger[streamSym], logger.level];
      logger[streamSym] = { write: (line: string) => void lines.push(line) };
      logger.level = 'info';
      try {
        await act(lines);
      } finally {
        logger[streamSym] = stream;
        logger.level = level;
      }
      return lines;
    }

    it('holds no ID or phone number from the path, the query or the headers', async () => {
      const lines = await capturedLog(async (written) => {
        await http()
          .get(`/v1/persons?idNumber=${ID_NUMBER}&phone=138%200000%201234&limit=5`)
          .set(AUTHENTICATED)
          .set('Referer', `https://staff.example/search?phone=${PHONE}`);
        await http().get(`/v1/persons/${ID_NUMBER}`).set(AUTHENTICATED);
        // The line is written when the response is finished, which the client may see first.
        await waitFor(
          async () => written.filter((l) => l.includes('"responseTime"')).length >= 2 || undefined,
          { timeoutMs: 5000, what: 'two request log lines' },
        );
      });
      const logged = lines.join('');
      expect(logged).not.toContain(ID_NUMBER);
      expect(logged).not.toContain(PHONE);
      expect(logged).not.toContain('138%200000%201234');
      // pino-http's line for each request, whatever the answer (completed, or errored).
      const requests = lines
        .map((l) => JSON.parse(l) as { responseTime?: number; req?: Record<string, unknown> })
        .filter((l) => l.responseTime !== undefined)
        .map((l) => l.req!);
      expect(requests.map((r) => r.url)).toEqual([
        '/v1/persons?idNumber=[redacted]&phone=[redacted]&limit=5',
        '/v1/persons/[redacted]',
      ]);
      expect(requests[0]).toMatchObject({
        method: 'GET',
        headers: {
          authorization: '[Redacted]',
          referer: 'https://staff.example/search?phone=[redacted]',
          'x-purpose': 'data-verification',
        },
      });
    });
  });
});
