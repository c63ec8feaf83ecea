import {
  mentionKeyColumns,
  mentionKeyOf,
  recordKey,
  recordVersionKey,
  splitMentionKey,
  splitRecordKey,
  storedMentionKeyOf,
} from './source-keys';

describe('source keys', () => {
  const parts = [
    ['grid', 'WG-500116005002-03-20231101-0001', '/members/0'],
    ['population', '5001162023112000001', ''],
    ['assistance', 'CA|DB 2023', '/payload/applicant'],
  ] as const;

  it.each(parts)('splits a mention key back into its parts: %s %s %s', (feed, id, pointer) => {
    const key = mentionKeyOf(feed, id, pointer);
    expect(splitMentionKey(key)).toEqual([feed, id, pointer]);
    expect(storedMentionKeyOf({ feed, source_record_id: id, pointer })).toBe(key);
    expect(splitRecordKey(recordKey(feed, id))).toEqual({ feed, sourceRecordId: id });
  });

  it('tells records, versions and mentions apart', () => {
    expect(recordKey('grid', 'a')).not.toBe(recordKey('gri', 'da'));
    expect(recordVersionKey('grid', 'a', '1')).not.toBe(mentionKeyOf('grid', 'a', '1'.slice(1)));
    expect(recordVersionKey('grid', 'a', '1').startsWith(recordKey('grid', 'a'))).toBe(true);
  });

  it('gives mention keys as three columns for unnest', () => {
    const keys = parts.map(([feed, id, pointer]) => mentionKeyOf(feed, id, pointer));
    expect(mentionKeyColumns(keys)).toEqual([
      parts.map((p) => p[0]),
      parts.map((p) => p[1]),
      parts.map((p) => p[2]),
    ]);
  });
});
