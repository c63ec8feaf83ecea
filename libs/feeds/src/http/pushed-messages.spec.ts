import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import iconv from 'iconv-lite';
import { arrayElements, pushedMessages } from './pushed-messages';

const records = [
  { RKBM: '1', XM: '李秀英', HJDZ_QHNXXDZ: '东门路12号' },
  { RKBM: '2', XM: '王建国' },
  { RKBM: '3', XM: '张伟' },
];
const JSON_GBK = 'application/json; charset=GBK';
const NDJSON_GBK = 'application/x-ndjson; charset=GBK';
const gbk = (text: string) => iconv.encode(text, 'gbk');
/** A byte no UTF-8 text holds, as a garbled export leaves it inside a string. */
const stray = (text: string) => Buffer.concat([Buffer.from(text), Buffer.from([0xb6])]);

describe('pushedMessages', () => {
  describe('a JSON array', () => {
    it('gives each record re-serialized, as UTF-8 text, whatever its charset', () => {
      const text = JSON.stringify(records, null, 2);
      const expected = records.map((r) => ({ value: JSON.stringify(r) }));
      expect(pushedMessages(Buffer.from(text), 'application/json')).toEqual(expected);
      expect(pushedMessages(Buffer.from(text), 'application/json; charset=utf-8')).toEqual(
        expected,
      );
      expect(pushedMessages(gbk(text), JSON_GBK)).toEqual(expected);
      expect(pushedMessages(gbk(text), 'application/json; charset=gb18030')).toEqual(expected);
    });

    it('gives each record its own bytes when some are not valid in its charset', () => {
      const [first, second, third] = records.map((r) => JSON.stringify(r));
      const bad = stray(second.slice(0, -2));
      const body = Buffer.concat([
        Buffer.from(`[${first}, `),
        bad,
        Buffer.from(`"} ,\n ${third}]`),
      ]);
      expect(pushedMessages(body, 'application/json')).toEqual([
        { value: Buffer.from(first), contentType: 'application/json' },
        { value: Buffer.concat([bad, Buffer.from('"}')]), contentType: 'application/json' },
        { value: Buffer.from(third), contentType: 'application/json' },
      ]);
    });

    it('tells GBK records apart whose characters end in the bytes of \\, ] and }', () => {
      // 乗 is 81 5C, 乚 81 5D, 亇 81 7D in GBK: read byte by byte they would end a string or an array.
      const names = ['乗', '乚', '亇'];
      const body = Buffer.concat([
        gbk(`[{"XM":"${names[0]}"},{"XM":"${names[1]}","a":[1,{"b":"${names[2]}"}]},{"XM":"`),
        Buffer.from([0xff]),
        gbk(`${names[2]}"}]`),
      ]);
      expect(body.includes(Buffer.from([0x81, 0x5c]))).toBe(true);
      const messages = pushedMessages(body, JSON_GBK);
      expect(messages.map((m) => iconv.decode(m.value as Buffer, 'gb18030'))).toEqual([
        `{"XM":"${names[0]}"}`,
        `{"XM":"${names[1]}","a":[1,{"b":"${names[2]}"}]}`,
        `{"XM":"\uFFFD${names[2]}"}`,
      ]);
      expect(messages.every((m) => m.contentType === JSON_GBK)).toBe(true);
    });

    it.each([
      ['not JSON', Buffer.from('[{"RKBM":'), /^body is not JSON: /],
      ['an object', Buffer.from('{"RKBM":"1"}'), /must be a JSON array/],
      ['nothing (no body)', undefined, /must be a JSON array/],
    ])('answers 400 to %s', (_name, body, message) => {
      const push = () => pushedMessages(body, 'application/json');
      expect(push).toThrow(BadRequestException);
      expect(push).toThrow(message);
    });
  });

  describe('NDJSON', () => {
    it('gives each line its bytes as sent, with the content-type, less CRs and blank lines', () => {
      const lines = records.map((r) => JSON.stringify(r));
      const body = gbk(`${lines[0]}\r\n\n  \r\n${lines[1]}\n\u3000\n${lines[2]}`);
      const messages = pushedMessages(body, NDJSON_GBK);
      expect(messages).toEqual(
        lines.map((line) => ({ value: gbk(line), contentType: NDJSON_GBK })),
      );
    });

    it('keeps a line whose bytes are not UTF-8 for the pipeline to reject, beside the others', () => {
      const lines = records.map((r) => JSON.stringify(r));
      const body = Buffer.concat([
        Buffer.from(`${lines[0]}\n`),
        stray(lines[1]),
        Buffer.from(`\n${lines[2]}\n`),
      ]);
      expect(pushedMessages(body, 'application/x-ndjson').map((m) => m.value)).toEqual([
        Buffer.from(lines[0]),
        stray(lines[1]),
        Buffer.from(lines[2]),
      ]);
    });
  });

  it.each(['application/json; charset=big5', 'application/x-ndjson; charset=latin1'])(
    'answers 415 to a charset the hub does not read: %s',
    (contentType) => {
      const push = () => pushedMessages(Buffer.from('[]'), contentType);
      expect(push).toThrow(UnsupportedMediaTypeException);
      expect(push).toThrow(/is not one the hub reads: UTF-8, or GB18030 and its subsets GBK/);
    },
  );
});

describe('arrayElements', () => {
  it('takes brackets, commas and escaped quotes inside strings for text', () => {
    const body = Buffer.from('[ "a,]\\"[" , {"b":["}", 2]} ,3 ]');
    expect(arrayElements(body, 'utf-8').map(String)).toEqual(['"a,]\\"["', '{"b":["}", 2]}', '3']);
    expect(arrayElements(Buffer.from(' [ ] '), 'utf-8')).toEqual([]);
  });
});
