import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { nulCharacterAt, RefuseNulCharacters } from './refuse-nul-characters';

class SomeDto {}

describe('RefuseNulCharacters', () => {
  const pipe = new RefuseNulCharacters();
  const refusal = (value: unknown, metadata: ArgumentMetadata) => {
    try {
      pipe.transform(value, metadata);
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      return (error as BadRequestException).message;
    }
  };

  it('finds U+0000 in strings, arrays and object keys, and names where', () => {
    expect(nulCharacterAt('李\u0000')).toBe('');
    expect(nulCharacterAt({ name: '李秀英', phone: ['139', '1\u00002'] })).toBe('phone[1]');
    expect(nulCharacterAt({ values: { 'applicant.phone': 'x\u0000' } })).toBe(
      'values.applicant.phone',
    );
    expect(nulCharacterAt({ nested: { ['a\u0000']: 1 } })).toBe('nested.a\\u0000');
    expect(nulCharacterAt({ name: '李秀英', n: 1, none: null, list: [{}] })).toBeUndefined();
    expect(nulCharacterAt('\\u0000 %00 \u2400')).toBeUndefined();
  });

  it('answers 400 naming the query or path parameter or body field', () => {
    expect(refusal({ name: '李\u0000' }, { type: 'query', metatype: SomeDto })).toBe(
      'query parameter name contains the character U+0000 (NUL), which the hub accepts in no text',
    );
    expect(refusal('5001\u0000', { type: 'param', data: 'code', metatype: String })).toMatch(
      /^path parameter code contains the character U\+0000/,
    );
    expect(
      refusal({ mentions: [{ feed: '\u0000' }] }, { type: 'body', metatype: SomeDto }),
    ).toMatch(/^body field mentions\[0\]\.feed contains/);
  });

  it('passes everything else as it is, and leaves untyped bodies (department pushes) alone', () => {
    const query = { name: '李秀英' };
    expect(pipe.transform(query, { type: 'query', metatype: SomeDto })).toBe(query);
    const records = [{ XM: '\u0000' }];
    expect(pipe.transform(records, { type: 'body', metatype: Object })).toBe(records);
    expect(pipe.transform(records, { type: 'body', metatype: undefined })).toBe(records);
    expect(pipe.transform('\u0000', { type: 'custom' })).toBe('\u0000');
  });
});
