import express from 'express';
import request from 'supertest';
import { hasBody, jsonBodiesOnly, mediaType } from './json-bodies-only';

describe('jsonBodiesOnly', () => {
  const app = express();
  app.use(jsonBodiesOnly());
  app.use(express.json(), express.text({ type: 'application/x-ndjson' }));
  app.all('/echo', (req, res) => {
    res.json({ body: (req.body as unknown) ?? null });
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'answers a POST of %s with 415 and says what is accepted',
    async (type) => {
      const res = await request(app)
        .post('/echo')
        .set('content-type', type)
        .send('{"RKBM":"1"}')
        .expect(415);
      expect(res.body).toEqual({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: expect.stringMatching(/only application\/json and application\/x-ndjson/),
      });
      expect(res.body.message).toContain(type.split(';')[0]);
    },
  );

  it.each(['PUT', 'PATCH'] as const)('answers a %s of text/plain with 415', async (method) => {
    await request(app)
      [method === 'PUT' ? 'put' : 'patch']('/echo')
      .set('content-type', 'text/plain')
      .send('x')
      .expect(415);
  });

  it('answers a body without a Content-Type with 415', async () => {
    const res = await request(app)
      .post('/echo')
      .set('content-length', '2')
      .unset('content-type')
      .send(Buffer.from('[]'))
      .expect(415);
    expect(res.body.message).toMatch(/^no Content-Type/);
  });

  it('refuses a chunked body (Transfer-Encoding, no Content-Length) of another type', async () => {
    const req = request(app).post('/echo').set('content-type', 'text/plain');
    req.write('line 1\n');
    req.write('line 2\n');
    await req.expect(415);
  });

  it.each([
    ['application/json', '[{"a":1}]', [{ a: 1 }]],
    ['application/json; charset=utf-8', '[{"a":1}]', [{ a: 1 }]],
    ['Application/JSON;charset=UTF-8', '{"a":1}', { a: 1 }],
    ['application/x-ndjson', '{"a":1}\n{"a":2}\n', '{"a":1}\n{"a":2}\n'],
    ['application/x-ndjson; charset=utf-8', '{"a":1}\n', '{"a":1}\n'],
  ])('lets %s through to the body parsers', async (type, sent, parsed) => {
    const res = await request(app).post('/echo').set('content-type', type).send(sent).expect(200);
    expect(res.body).toEqual({ body: parsed });
  });

  it('lets requests without a body through, whatever their Content-Type', async () => {
    await request(app).get('/echo').set('content-type', 'text/plain').expect(200);
    await request(app).delete('/echo').set('content-type', 'text/plain').expect(200);
    await request(app).post('/echo').set('content-type', 'text/plain').expect(200);
    await request(app).options('/echo').expect(200);
  });
});

describe('hasBody', () => {
  it('is true with a positive Content-Length or any Transfer-Encoding', () => {
    expect(hasBody({ 'content-length': '12' })).toBe(true);
    expect(hasBody({ 'transfer-encoding': 'chunked' })).toBe(true);
    expect(hasBody({ 'content-length': '0', 'transfer-encoding': 'chunked' })).toBe(true);
  });

  it('is false without them, or with Content-Length 0', () => {
    expect(hasBody({})).toBe(false);
    expect(hasBody({ 'content-length': '0' })).toBe(false);
  });
});

describe('mediaType', () => {
  it('drops parameters and case', () => {
    expect(mediaType('Application/X-NDJSON ; charset=utf-8')).toBe('application/x-ndjson');
    expect(mediaType(undefined)).toBe('');
  });
});
