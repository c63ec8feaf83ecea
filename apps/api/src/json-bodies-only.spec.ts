import express from 'express';
import iconv from 'iconv-lite';
import request from 'supertest';
import {
  hasBody,
  jsonBodiesOnly,
  mediaType,
  PUSH_ROUTE,
  pushBodiesAsBytes,
} from './json-bodies-only';

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

describe('pushBodiesAsBytes', () => {
  // As the API mounts it: on the push route, before the JSON parser.
  const app = express();
  app.use(jsonBodiesOnly());
  app.use(PUSH_ROUTE, pushBodiesAsBytes(64));
  app.use(express.json(), express.text({ type: 'application/x-ndjson' }));
  app.post(['/echo', PUSH_ROUTE], (req, res) => {
    const body = req.body as unknown;
    res.json({ bytes: Buffer.isBuffer(body) ? body.toString('hex') : null, parsed: body ?? null });
  });
  const gbk = iconv.encode('[{"XM":"李秀英"}]', 'gbk');
  /** supertest would send a Buffer given with a JSON type as the JSON of a Buffer object. */
  const asSent = (body: unknown) => body as string;

  it.each([
    'application/json; charset=GBK',
    'application/json',
    'application/x-ndjson; charset=gb18030',
  ])('hands a push of %s over as the bytes sent', async (type) => {
    const res = await request(app)
      .post('/v1/feeds/population/records')
      .set('content-type', type)
      .serialize(asSent)
      .send(gbk)
      .expect(200);
    expect(res.body).toMatchObject({ bytes: gbk.toString('hex') });
  });

  it('leaves other routes to the JSON parser, which refuses GBK', async () => {
    const res = await request(app).post('/echo').send({ a: '李' }).expect(200);
    expect(res.body).toEqual({ bytes: null, parsed: { a: '李' } });
    await request(app)
      .post('/echo')
      .set('content-type', 'application/json; charset=GBK')
      .serialize(asSent)
      .send(gbk)
      .expect(415);
  });

  it('answers 413 to a push over its limit', async () => {
    await request(app)
      .post('/v1/feeds/population/records')
      .set('content-type', 'application/json')
      .send(Buffer.from(JSON.stringify([{ padding: 'x'.repeat(64) }])))
      .expect(413);
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
