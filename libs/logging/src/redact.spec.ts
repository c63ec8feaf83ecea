import fc from 'fast-check';
import { serializeError } from './error-serializer';
import { redactPersonalData, redactPersonalDataDeep, redactRequest } from './redact';

const ID = '500381198001012029';
const ID_X = '11010519491231002X';
const LEGACY_ID = '500381800101202';
const PHONE = '13800001234';

describe('redactPersonalData', () => {
  it.each([
    [`/v1/persons?idNumber=${ID}`, '/v1/persons?idNumber=[redacted]'],
    [`/v1/persons?idNumber=${ID_X}&limit=5`, '/v1/persons?idNumber=[redacted]&limit=5'],
    [`/v1/persons?idNumber=${ID_X.toLowerCase()}`, '/v1/persons?idNumber=[redacted]'],
    [`/v1/persons?idNumber=${LEGACY_ID}`, '/v1/persons?idNumber=[redacted]'],
    [`/v1/persons/${ID}/explain`, '/v1/persons/[redacted]/explain'],
    [`/v1/persons?phone=${PHONE}`, '/v1/persons?phone=[redacted]'],
    ['/v1/persons?phone=138%200000%201234', '/v1/persons?phone=[redacted]'],
    ['/v1/persons?phone=138+0000+1234', '/v1/persons?phone=[redacted]'],
    ['/v1/persons?phone=138-0000-1234', '/v1/persons?phone=[redacted]'],
    ['/v1/persons?phone=138%2D0000%2D1234', '/v1/persons?phone=[redacted]'],
    ['/v1/persons?phone=%2B86%20138%200000%201234', '/v1/persons?phone=%2B[redacted]'],
    ['/v1/persons?phone=%2B8613800001234', '/v1/persons?phone=%2B[redacted]'],
    ['phone +86 138 0000 1234 or 8613800001234', 'phone +[redacted] or [redacted]'],
    ['0086-138-0000-1234', '[redacted]'],
    ['tel:138 - 0000 - 1234.', 'tel:[redacted].'],
    [`id ${ID.slice(0, 6)} ${ID.slice(6, 14)} ${ID.slice(14)}`, 'id [redacted]'],
    [`a${ID}b${PHONE}c`, 'a[redacted]b[redacted]c'],
  ])('redacts %s', (text, redacted) => {
    expect(redactPersonalData(text)).toBe(redacted);
  });

  it.each([
    '/v1/divisions/500116005002',
    '/v1/changes?after=1048576&limit=100',
    '/v1/persons/7d7e1c2a-5a4b-4c55-9a63-0f3b2f8e2d11',
    '/v1/persons?name=张三&birthDate=1980-01-01',
    '/v1/places?lat=29.2901234567&lon=106.2598765432',
    'since=2025-06-01T10:00:00.123Z, 10 000 records in 1234567890 ms',
    '023-6528-1234',
  ])('leaves %s alone', (text) => {
    expect(redactPersonalData(text)).toBe(text);
  });
});

// -- properties ---------------------------------------------------------------------------

const digits = (min: number, max = min) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** 18 characters: a division code, a birth date, a sequence and a check digit or X. */
const idNumber = fc
  .tuple(
    fc.constantFrom('500381', '500116', '110105', '440305', '130102'),
    fc.date({ min: new Date('1900-01-01'), max: new Date('2024-12-31'), noInvalidDate: true }),
    digits(3),
    fc.constantFrom(...'0123456789Xx'),
  )
  .map(
    ([area, birth, seq, check]) =>
      area + birth.toISOString().slice(0, 10).replace(/-/g, '') + seq + check,
  );

const legacyIdNumber = fc
  .tuple(fc.constantFrom('500381', '110105'), digits(6), digits(3))
  .map(([area, birth, seq]) => area + birth + seq);

/** A mobile number as people write it: whole, or 3-4-4 with separators, maybe with +86. */
const phone = fc
  .tuple(
    fc.constantFrom(...'3456789'),
    digits(9),
    fc.constantFrom('', ' ', '-', '%20', '+', '%2D', ' - '),
    fc.constantFrom('', '86', '+86', '+86 ', '%2B86', '0086', '86-'),
  )
  .map(([second, rest, sep, prefix]) => {
    const n = `1${second}${rest}`;
    return {
      written: `${prefix}${n.slice(0, 3)}${sep}${n.slice(3, 7)}${sep}${n.slice(7)}`,
      number: n,
    };
  });

/** Printable ASCII, digits and separators included. */
const ascii = fc.string({ unit: 'binary-ascii', maxLength: 30 });

/** The text less every separator a number may be written with: digits are then adjacent. */
const joined = (text: string) => text.replace(/%20|%2[bd]|[ \t+-]/gi, '');

describe('redactPersonalData properties', () => {
  it('leaves no ID number embedded in any text', () => {
    fc.assert(
      fc.property(ascii, fc.oneof(idNumber, legacyIdNumber), ascii, (before, id, after) => {
        const out = redactPersonalData(before + id + after);
        expect(out).toContain('[redacted]');
        expect(out).not.toContain(id);
        expect(joined(out)).not.toContain(id.slice(0, 15));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves no mobile number embedded in any text, however it is written', () => {
    fc.assert(
      fc.property(ascii, phone, ascii, (before, { written, number }, after) => {
        const out = redactPersonalData(before + written + after);
        expect(out).not.toContain(written);
        expect(joined(out)).not.toContain(number);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves text alone where no 11 digits follow one another, separators or not', () => {
    const piece = fc.oneof(
      digits(1, 10),
      fc.constantFrom(' ', '-', '+', '%20', '%2D', '%2b', 'x', 'X'),
      ascii,
    );
    fc.assert(
      fc.property(
        fc
          .array(piece, { maxLength: 12 })
          .map((pieces) => pieces.join(''))
          .filter((text) => !/\d{11}/.test(joined(text))),
        (text) => {
          expect(redactPersonalData(text)).toBe(text);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            ascii,
            idNumber,
            phone.map((p) => p.written),
          ),
        ),
        (parts) => {
          const once = redactPersonalData(parts.join(''));
          expect(redactPersonalData(once)).toBe(once);
        },
      ),
    );
  });
});

describe('redactPersonalDataDeep', () => {
  it('redacts strings in arrays and objects, as copies', () => {
    const query = { idNumber: ID, phones: [PHONE, '5'], page: 2, nested: { a: `x${ID}` } };
    expect(redactPersonalDataDeep(query)).toEqual({
      idNumber: '[redacted]',
      phones: ['[redacted]', '5'],
      page: 2,
      nested: { a: 'x[redacted]' },
    });
    expect(query.idNumber).toBe(ID);
  });
});

describe('redactRequest (pino-http serializers.req)', () => {
  it("redacts the URL, the parsed query, the route parameters and the headers' values", () => {
    const serialized = {
      id: 1,
      method: 'GET',
      url: `/v1/persons?idNumber=${ID}&phone=138%200000%201234`,
      query: { idNumber: ID, phone: '138 0000 1234' },
      params: { splat: ['v1', 'persons'] },
      headers: { referer: `https://staff.example/search?q=${PHONE}`, 'x-purpose': 'x' },
      remotePort: 51234,
    };
    const headers = serialized.headers;
    expect(redactRequest(serialized)).toEqual({
      id: 1,
      method: 'GET',
      url: '/v1/persons?idNumber=[redacted]&phone=[redacted]',
      query: { idNumber: '[redacted]', phone: '[redacted]' },
      params: { splat: ['v1', 'persons'] },
      headers: { referer: 'https://staff.example/search?q=[redacted]', 'x-purpose': 'x' },
      remotePort: 51234,
    });
    // The request's own header object is not touched.
    expect(headers.referer).toContain(PHONE);
  });
});

describe('serializeError redacts ID and phone numbers', () => {
  it("in a failed query's message, detail and query text", () => {
    const logged = serializeError({
      type: 'QueryFailedError',
      message: `duplicate key value violates unique constraint (${ID})`,
      detail: `Key (id_number)=(${ID}) already exists.`,
      query: `SELECT 1 WHERE phone = '${PHONE}' ${'-- padding '.repeat(200)}`,
      parameters: [ID],
      cause: { message: `phone ${PHONE}` },
    });
    expect(JSON.stringify(logged)).not.toMatch(new RegExp(`${ID}|${PHONE}`));
    expect(logged).toMatchObject({
      detail: 'Key (id_number)=([redacted]) already exists.',
      cause: { message: 'phone [redacted]' },
      parameterCount: 1,
    });
  });

  it('before the query is cut, so that no part of a number is left', () => {
    const query = `${'x'.repeat(985)} ${ID} ${'y'.repeat(100)}`;
    const logged = serializeError({ type: 'QueryFailedError', message: 'm', query });
    expect(logged.query).toBe(`${'x'.repeat(985)} [redacted] yyy…`);
  });
});
