import { FEEDS, feedForTopic } from './feed-registry';
import { readReceivedRecord, UnreadableRecordError } from './received-record';

const population = feedForTopic('ps.population.v1');

describe('readReceivedRecord', () => {
  it('reads record id and version from a JSON string', () => {
    const record = readReceivedRecord(
      population,
      JSON.stringify({ RKBM: 'R1', SJBBH: '3', XM: '李秀英' }),
    );
    expect(record).toMatchObject({ feed: 'population', sourceRecordId: 'R1', version: '3' });
    expect(record.payload.XM).toBe('李秀英');
  });

  it('accepts numeric versions (civil affairs sends integers)', () => {
    const assistance = FEEDS.find((f) => f.name === 'assistance')!;
    expect(readReceivedRecord(assistance, { recordId: 'CA-1', version: 2 }).version).toBe('2');
  });

  it.each([
    ['{not json', /not JSON/],
    ['[1,2]', /not a JSON object/],
    [JSON.stringify({ RKBM: 'R1' }), /missing SJBBH/],
    [JSON.stringify({ RKBM: ' ', SJBBH: '1' }), /missing RKBM/],
  ])('rejects %s with a clear reason', (value, reason) => {
    expect(() => readReceivedRecord(population, value)).toThrow(UnreadableRecordError);
    expect(() => readReceivedRecord(population, value)).toThrow(reason);
  });

  it('knows no feed for an unregistered topic', () => {
    expect(() => feedForTopic('nope.v1')).toThrow(/no feed/);
  });
});
