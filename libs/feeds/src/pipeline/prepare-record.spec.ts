import Ajv from 'ajv';
import iconv from 'iconv-lite';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findRepoFolder, findSchemasDir } from '@hub/contracts';
import { DivisionIndex } from '@hub/normalize';
import { CHONGQING, readProvinceDivisions } from '@hub/places';
import { CatalogFeed, FeedCatalog } from '../feed-catalog';
import type { InboundMessage } from './inbound-message';
import { prepareRecord, PreparedRecord, RejectedRecord } from './prepare-record';

type Json = Record<string, unknown>;

/** The example message of a department contract (shared/feeds/<file>, beside the project). */
function contractExample(file: string): Json {
  const text = readFileSync(join(dirname(findSchemasDir()), '..', 'shared', 'feeds', file), 'utf8');
  return JSON.parse(/```json\s*\n([\s\S]*?)```/.exec(text)![1]) as Json;
}

const catalog = new FeedCatalog();
const feedOf = (name: string): CatalogFeed => catalog.feed(name)!;
/** A feed mapped as `name` whose schema takes anything: to reach the checks after the schema. */
const takeAnything = new Ajv().compile({});
const unchecked = (name: string): CatalogFeed => ({
  mapping: feedOf(name).mapping,
  validate: takeAnything,
});

const police = contractExample('public-security.md');
const assistance = contractExample('civil-affairs.md');
const grid = contractExample('grid.md');
const LI_XIUYING = '500381195603022029';
/** What the forms write back as the hub's own feed (libs/forms form-submissions.ts). */
const submission: Json = {
  submissionId: '0b6f3c1e-2b8a-4c55-9a43-0d6f3f2b9a10',
  submittedAt: '2023-09-01T02:00:00.000Z',
  form: 'elderly-allowance',
  clerk: '张伟',
  clerkDivision: '500116005002',
  subject: { idNumber: LI_XIUYING },
  person: { idNumber: LI_XIUYING, name: '李秀英', phone: '13823456789' },
  entered: { 'applicant.phone': '13823456789' },
  shown: {},
};
const coordinates = { topic: 'ps.population.v1', partition: 2, offset: '41' };

describe('prepareRecord', () => {
  let divisions: DivisionIndex;
  beforeAll(async () => {
    divisions = new DivisionIndex(await readProvinceDivisions(CHONGQING));
  });
  const prepare = (
    feed: CatalogFeed | undefined,
    value: InboundMessage['value'] | Json,
    options: { maxMessageBytes?: number; key?: string; index?: number; contentType?: string } = {},
  ): PreparedRecord | RejectedRecord =>
    prepareRecord(
      options.index ?? 0,
      {
        value:
          typeof value === 'object' && value !== null && !Buffer.isBuffer(value)
            ? JSON.stringify(value)
            : value,
        key: options.key,
        coordinates,
        contentType: options.contentType,
      },
      feed,
      { maxMessageBytes: options.maxMessageBytes ?? 1_048_576, divisions },
    );
  const prepared = (result: PreparedRecord | RejectedRecord): PreparedRecord => {
    if (result.kind !== 'prepared') throw new Error(`rejected: ${result.reason} ${result.message}`);
    return result;
  };
  const rejection = (result: PreparedRecord | RejectedRecord) =>
    result.kind === 'rejected'
      ? { reason: result.reason, message: result.message, detail: result.detail }
      : { prepared: result.sourceRecordId };

  describe('a valid record of each feed', () => {
    it.each([
      // feed, record, id, version as sent, its sort key, observed at (UTC), record type
      [
        'population',
        police,
        '50011620230824000017',
        '3',
        '00000000000000000003',
        '2023-08-24T01:30:00.000Z',
        'resident',
      ],
      [
        'assistance',
        assistance,
        'CA-DB-2023-000481',
        '2',
        '00000000000000000002',
        '2023-08-20T08:02:11.000Z',
        'assistance',
      ],
      [
        'grid',
        grid,
        'WG-500116005002-03-20230824-0007',
        '2023/8/24 9:30',
        '2023-08-24T01:30:00.000Z',
        '2023-08-24T01:30:00.000Z',
        'resident',
      ],
      [
        'township',
        submission,
        '0b6f3c1e-2b8a-4c55-9a43-0d6f3f2b9a10',
        '2023-09-01T02:00:00.000Z',
        '2023-09-01T02:00:00.000Z',
        '2023-09-01T02:00:00.000Z',
        'submission',
      ],
    ])(
      '%s: its id, version, the version’s sort key, observation time and mapping',
      (feed, record, id, version, versionKey, observedAt, recordType) => {
        const raw = Buffer.from(JSON.stringify(record));
        const result = prepareRecord(7, { value: raw, key: id, coordinates }, feedOf(feed), {
          maxMessageBytes: 1_048_576,
          divisions,
        });
        expect(result).toEqual({
          kind: 'prepared',
          index: 7,
          feed,
          sourceRecordId: id,
          version,
          versionKey,
          cancelled: false,
          observedAt: new Date(observedAt),
          mapped: expect.objectContaining({ recordType }),
          coordinates,
          raw,
          payload: raw,
          key: id,
        });
      },
    );

    it('takes the message as text as it takes it as bytes, and keeps the bytes', () => {
      const text = JSON.stringify(police);
      const fromText = prepared(prepare(feedOf('population'), text));
      expect(fromText).toEqual(prepared(prepare(feedOf('population'), Buffer.from(text))));
      expect(fromText.raw).toEqual(Buffer.from(text, 'utf8'));
      expect(fromText.key).toBeNull();
    });

    it('sorts integer versions by number and instants by time, whatever their text', () => {
      const key = (feed: string, record: Json) =>
        prepared(prepare(feedOf(feed), record)).versionKey;
      const [v9, v10] = [
        key('population', { ...police, SJBBH: '9' }),
        key('population', { ...police, SJBBH: '10' }),
      ];
      expect(v9 < v10).toBe(true);
      // 9:30 Beijing time on 24 August, written three ways, and 10:00 written in a fourth.
      const times = ['2023/8/24 9:30', '2023-08-24 09:30:00', '2023-08-24 9:30'].map((t) =>
        key('grid', { ...grid, 采集时间: t }),
      );
      expect(new Set(times)).toEqual(new Set(['2023-08-24T01:30:00.000Z']));
      expect(times[0] < key('grid', { ...grid, 采集时间: '2023-08-24T10:00:00+08:00' })).toBe(true);
    });
  });

  describe('cancellations', () => {
    it.each([
      ['population', { ...police, BDLX: 'ZX', SJBBH: '4' }],
      // A delete needs only the envelope: there is nothing it could map.
      ['assistance', { ...assistance, version: 3, operation: 'delete', payload: {} }],
      ['grid', { ...grid, 作废: '是' }],
      ['township', { ...submission, withdrawn: '是' }],
    ])('%s: prepared as cancelled, with no mapping of its own', (feed, record) => {
      expect(prepared(prepare(feedOf(feed), record))).toMatchObject({
        cancelled: true,
        mapped: undefined,
        sourceRecordId: expect.any(String),
        versionKey: expect.any(String),
      });
    });

    it('ends a record whatever its last values say: a cancellation with an unknown code is not rejected', () => {
      const result = prepare(feedOf('population'), { ...police, BDLX: 'ZX', XBDM: '5' });
      expect(prepared(result).cancelled).toBe(true);
      expect(rejection(prepare(feedOf('population'), { ...police, XBDM: '5' }))).toMatchObject({
        reason: 'unknown_code',
      });
    });
  });

  describe('rejections, in the order of the checks', () => {
    it('rejects a message of a topic no feed is mapped to', () => {
      expect(prepare(undefined, police, { key: 'K1', index: 3 })).toEqual({
        kind: 'rejected',
        index: 3,
        feed: null,
        reason: 'unknown_feed',
        message: 'no feed is mapped to topic ps.population.v1',
        detail: {},
        raw: Buffer.from(JSON.stringify(police)),
        key: 'K1',
        coordinates,
      });
      const overHttp = prepareRecord(0, { value: '{}' }, undefined, {
        maxMessageBytes: 1024,
        divisions,
      });
      expect(overHttp).toMatchObject({
        reason: 'unknown_feed',
        message: 'no feed is mapped to topic ?',
      });
    });

    it('rejects a message over the size limit by its bytes, before reading it', () => {
      const text = JSON.stringify(police);
      const bytes = Buffer.byteLength(text);
      expect(bytes).toBeGreaterThan(text.length); // Chinese characters take three bytes each
      expect(
        rejection(prepare(feedOf('population'), text, { maxMessageBytes: bytes - 1 })),
      ).toEqual({
        reason: 'too_large',
        message: `message of ${bytes} bytes exceeds ${bytes - 1}`,
        detail: { bytes, limit: bytes - 1 },
      });
      expect(prepare(feedOf('population'), text, { maxMessageBytes: bytes }).kind).toBe('prepared');
      expect(
        rejection(prepare(feedOf('population'), `${text.slice(0, 20)}…`, { maxMessageBytes: 10 })),
      ).toMatchObject({
        reason: 'too_large',
      });
    });

    it.each([
      ['cut short', JSON.stringify(police).slice(0, 40)],
      ['empty (a Kafka tombstone)', null],
      ['not JSON at all', Buffer.from([0x00, 0x01, 0x7f])],
    ])('rejects a message that is not JSON: %s', (_name, value) => {
      const result = prepare(feedOf('population'), value);
      expect(rejection(result)).toEqual({
        reason: 'invalid_json',
        message: expect.stringMatching(/^not JSON: /),
        detail: {},
      });
      expect(result.raw).toEqual(value === null ? Buffer.alloc(0) : Buffer.from(value));
    });

    it('rejects what its feed’s schema forbids, naming the first place and every error', () => {
      const missingName: Json = { ...police };
      delete missingName.XM;
      expect(rejection(prepare(feedOf('population'), missingName))).toEqual({
        reason: 'schema_violation',
        message: "/: must have required property 'XM'",
        detail: {
          errors: [
            {
              path: '',
              message: "must have required property 'XM'",
              params: { missingProperty: 'XM' },
            },
          ],
        },
      });
      const result = rejection(prepare(feedOf('assistance'), { ...assistance, version: '2' }));
      expect(result).toMatchObject({
        reason: 'schema_violation',
        message: '/version: must be integer',
      });
      expect(rejection(prepare(feedOf('grid'), '[]'))).toMatchObject({
        reason: 'schema_violation',
      });
    });

    it('names only the first error of a large message: listing every one costs the square of its failing items', () => {
      // 40,000 members that each miss their required fields: every error of them took Ajv 10 s.
      const members = Array.from({ length: 40_000 }, () => ({}));
      const large = { ...assistance, payload: { ...(assistance.payload as Json), members } };
      const result = prepare(feedOf('assistance'), large);
      expect(rejection(result)).toMatchObject({
        reason: 'schema_violation',
        detail: { firstErrorOnly: true },
      });
      expect(((result as RejectedRecord).detail.errors as unknown[]).length).toBeLessThan(5);
    });

    it('rejects a time the schema’s date-time allows but no clock shows (a leap second)', () => {
      const record = { ...assistance, updatedAt: '2016-12-31T23:59:60Z' };
      expect(rejection(prepare(feedOf('assistance'), record))).toEqual({
        reason: 'schema_violation',
        message: 'invalid date "2016-12-31T23:59:60Z": the time of day does not exist',
        detail: {},
      });
    });

    it('rejects what the mapping cannot take, keeping the message and its coordinates', () => {
      const text = JSON.stringify({ ...police, XBDM: '5' });
      expect(prepare(feedOf('population'), text, { key: 'K2' })).toEqual({
        kind: 'rejected',
        index: 0,
        feed: 'population',
        reason: 'unknown_code',
        message: 'gender: "5" is not in gender',
        detail: { attribute: 'gender', value: '5', table: 'gender' },
        raw: Buffer.from(text),
        key: 'K2',
        coordinates,
      });
    });
  });

  describe('encodings: UTF-8, or the charset the content-type declares', () => {
    const gbk = (record: Json) => iconv.encode(JSON.stringify(record), 'gbk');

    it('reads GBK bytes declared as such, stores them as UTF-8 and keeps the bytes as they came', () => {
      const raw = gbk(police);
      expect(raw.includes(Buffer.from('李秀英'))).toBe(false);
      const result = prepared(
        prepare(feedOf('population'), raw, { contentType: 'application/json; charset=GBK' }),
      );
      expect(result).toMatchObject({
        sourceRecordId: '50011620230824000017',
        raw,
        contentType: 'application/json; charset=GBK',
      });
      expect(result.payload).toEqual(Buffer.from(JSON.stringify(police)));
      // The same record as UTF-8 maps to the same values.
      expect(result.mapped).toEqual(prepared(prepare(feedOf('population'), police)).mapped);
    });

    it.each([
      'application/json; charset=gbk',
      'application/json;charset=GB2312',
      'application/json; charset="GB18030"',
      'text/plain; format=flowed; Charset = gbk',
    ])('reads GBK, GB2312 and GB18030 alike as GB18030: %s', (contentType) => {
      const result = prepared(prepare(feedOf('grid'), gbk(grid), { contentType }));
      expect(JSON.parse(result.payload.toString('utf8'))).toEqual(grid);
    });

    it('reads a four-byte GB18030 character (outside GBK) in a name', () => {
      const record = { ...police, XM: '王𠮷' };
      const raw = iconv.encode(JSON.stringify(record), 'gb18030');
      const result = prepared(
        prepare(feedOf('population'), raw, { contentType: 'application/json; charset=GB18030' }),
      );
      expect(JSON.parse(result.payload.toString('utf8'))).toMatchObject({ XM: '王𠮷' });
    });

    it.each([
      ['a lone continuation byte', Buffer.from([0x80])],
      ['GBK bytes', iconv.encode('李', 'gbk')],
      ['a surrogate written in UTF-8', Buffer.from([0xed, 0xa0, 0x80])],
      ['a sequence cut short', Buffer.from([0xe6, 0x9d])],
    ])(
      'rejects bytes that are not UTF-8 and declare no charset as bad_encoding, naming where: %s',
      (_name, bad) => {
        const text = JSON.stringify(police);
        const at = text.indexOf('东门路');
        const raw = Buffer.concat([
          Buffer.from(text.slice(0, at)),
          bad,
          Buffer.from(text.slice(at)),
        ]);
        const offset = Buffer.byteLength(text.slice(0, at));
        const result = prepare(feedOf('population'), raw, { key: 'K4' });
        expect(result).toEqual({
          kind: 'rejected',
          index: 0,
          feed: 'population',
          reason: 'bad_encoding',
          message: `not valid UTF-8 (no charset declared): invalid byte sequence at byte ${offset}`,
          detail: { byteOffset: offset },
          raw,
          key: 'K4',
          coordinates,
        });
      },
    );

    it('rejects bytes that are neither UTF-8 nor JSON as bad_encoding, before reading them as JSON', () => {
      expect(rejection(prepare(feedOf('population'), Buffer.from([0xff, 0xfe, 0x00])))).toEqual({
        reason: 'bad_encoding',
        message: 'not valid UTF-8 (no charset declared): invalid byte sequence at byte 0',
        detail: { byteOffset: 0 },
      });
    });

    it('rejects bytes that are not valid in the charset declared, keeping the content-type', () => {
      const raw = Buffer.concat([gbk(police).subarray(0, 30), Buffer.from([0xff])]);
      expect(
        rejection(
          prepare(feedOf('population'), raw, { contentType: 'application/json; charset=GBK' }),
        ),
      ).toEqual({
        reason: 'bad_encoding',
        message: 'not valid charset gbk: invalid byte sequence at byte 30',
        detail: { byteOffset: 30, contentType: 'application/json; charset=GBK' },
      });
      const gbkAsUtf8 = prepare(feedOf('population'), gbk(police), {
        contentType: 'application/json; charset=utf-8',
      });
      expect(rejection(gbkAsUtf8)).toMatchObject({
        reason: 'bad_encoding',
        message: expect.stringMatching(
          /^not valid charset utf-8: invalid byte sequence at byte \d+$/,
        ),
      });
    });

    it('rejects a charset the hub does not read as bad_encoding, naming it', () => {
      const contentType = 'application/json; charset=Big5';
      const result = prepare(feedOf('population'), Buffer.from(JSON.stringify(police)), {
        contentType,
      });
      expect(rejection(result)).toEqual({
        reason: 'bad_encoding',
        message:
          'unknown charset "big5" in content-type: the hub reads UTF-8, or GB18030 and its subsets GBK and GB2312',
        detail: { charset: 'big5', contentType },
      });
      expect(result.raw).toEqual(Buffer.from(JSON.stringify(police)));
    });

    it('checks the size by the bytes as they came, before their charset', () => {
      const result = prepare(feedOf('population'), gbk(police), {
        maxMessageBytes: 10,
        contentType: 'application/json; charset=big5',
      });
      expect(rejection(result)).toMatchObject({ reason: 'too_large' });
    });

    it('keeps no content-type that names no charset, and reads text given as text', () => {
      const plain = prepared(
        prepare(feedOf('population'), Buffer.from(JSON.stringify(police)), {
          contentType: 'application/json',
        }),
      );
      expect(plain.contentType).toBeUndefined();
      const unknownCode = Buffer.from(JSON.stringify({ ...police, XBDM: '5' }));
      expect(
        rejection(prepare(feedOf('population'), unknownCode, { contentType: 'application/json' })),
      ).toEqual({
        reason: 'unknown_code',
        message: expect.any(String),
        detail: { attribute: 'gender', value: '5', table: 'gender' },
      });
      // A string was decoded already (an HTTP push's JSON array): its charset was the body's.
      const text = prepared(
        prepare(feedOf('population'), JSON.stringify(police), {
          contentType: 'application/json; charset=GBK',
        }),
      );
      expect(text.payload).toEqual(Buffer.from(JSON.stringify(police)));
      expect(text.contentType).toBeUndefined();
    });
  });

  describe('record id, version and observation time (checked after the schema)', () => {
    const without = (record: Json, field: string): Json => {
      const copy = { ...record };
      delete copy[field];
      return copy;
    };
    it.each([
      ['no record id', without(police, 'RKBM'), 'record id /RKBM is missing', { pointer: '/RKBM' }],
      [
        'a blank record id',
        { ...police, RKBM: ' \u3000' },
        'record id /RKBM is missing',
        { pointer: '/RKBM' },
      ],
      [
        'a record id that is an object',
        { ...police, RKBM: { id: 1 } },
        'record id /RKBM is missing',
        { pointer: '/RKBM' },
      ],
      ['no version', without(police, 'SJBBH'), 'version /SJBBH is missing', { pointer: '/SJBBH' }],
      [
        'a version that is no integer',
        { ...police, SJBBH: 'v3' },
        'version v3 is not an integer',
        {},
      ],
      [
        'a version over 20 digits',
        { ...police, SJBBH: '1'.repeat(21) },
        `version ${'1'.repeat(21)} is not an integer`,
        {},
      ],
      [
        'no observation time',
        without(police, 'BDSJ'),
        'observation time /BDSJ is missing',
        { pointer: '/BDSJ' },
      ],
      [
        'an observation time on no day',
        { ...police, BDSJ: '2023-02-29 09:30:00' },
        'invalid date "2023-02-29 09:30:00": the day does not exist',
        {},
      ],
    ])('rejects %s', (_name, record, message, detail) => {
      expect(rejection(prepare(unchecked('population'), record))).toEqual({
        reason: 'schema_violation',
        message,
        detail,
      });
    });

    it('rejects an instant version that is no time', () => {
      expect(rejection(prepare(unchecked('grid'), { ...grid, 采集时间: '昨天' }))).toEqual({
        reason: 'schema_violation',
        message: 'invalid date "昨天": not a supported date format',
        detail: {},
      });
    });

    it('takes ids and versions given as numbers, and trims them', () => {
      expect(
        prepared(prepare(unchecked('population'), { ...police, RKBM: 42, SJBBH: ' 7 ' })),
      ).toMatchObject({
        sourceRecordId: '42',
        version: '7',
        versionKey: '00000000000000000007',
      });
    });
  });

  describe('an error of the hub’s own, met by one message', () => {
    it('rejects the message as internal_error naming the error, and keeps the error for the log', () => {
      // A schema that lets an object through where the mapping reads text (a loose schema of a new
      // department): the name normalizer's String() of {"toString": 1} throws a TypeError.
      const text = JSON.stringify({ ...police, XM: { toString: 1 } });
      const result = prepare(unchecked('population'), text, { key: 'K3', index: 4 });
      expect(result).toEqual({
        kind: 'rejected',
        index: 4,
        feed: 'population',
        reason: 'internal_error',
        message:
          'internal error while preparing the record: TypeError: Cannot convert object to primitive value',
        detail: {},
        raw: Buffer.from(text),
        key: 'K3',
        coordinates,
        error: expect.any(TypeError),
      });
      // The stack is the log's: the reject (stored, listed, sent to the DLQ) names the error only.
      const { error, message } = result as RejectedRecord;
      expect((error as Error).stack).toMatch(/\n\s+at /);
      expect(message).not.toContain('\n');
    });

    it('names the error’s class, not its name, when a lookup of the division index throws', () => {
      class DivisionCatalogueFault extends Error {}
      class FaultyDivisionIndex extends DivisionIndex {
        override resolve(): string | null {
          throw new DivisionCatalogueFault('division catalogue not loaded');
        }
      }
      const faulty = new FaultyDivisionIndex([]);
      const result = prepareRecord(
        0,
        { value: JSON.stringify(police), coordinates },
        feedOf('population'),
        { maxMessageBytes: 1_048_576, divisions: faulty },
      );
      expect(rejection(result)).toEqual({
        reason: 'internal_error',
        message:
          'internal error while preparing the record: DivisionCatalogueFault: division catalogue not loaded',
        detail: {},
      });
      expect(result.kind === 'rejected' && result.error).toBeInstanceOf(DivisionCatalogueFault);
      // The same record with a sound index is prepared: the fault was the index's, not the record's.
      expect(prepare(feedOf('population'), police).kind).toBe('prepared');
    });
  });

  it('prepares or rejects every line of the demo data set, none for an internal error', () => {
    const reasons = new Set<string>();
    let count = 0;
    for (const feed of ['population', 'assistance', 'grid']) {
      const lines = readFileSync(join(findRepoFolder('demo'), `${feed}.ndjson`), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '');
      for (const [index, line] of lines.entries()) {
        const result = prepare(feedOf(feed), line, { index });
        expect(result).toMatchObject({ index, feed });
        if (result.kind === 'rejected') reasons.add(result.reason);
        else count += 1;
      }
    }
    expect(count).toBeGreaterThan(600);
    // The demo plants bad messages of these kinds among the good ones.
    expect([...reasons].sort()).toEqual(['invalid_json', 'schema_violation', 'unknown_code']);
  });
});
