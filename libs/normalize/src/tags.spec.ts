import fc from 'fast-check';
import { splitTags } from './tags';

describe('splitTags', () => {
  it('splits on every separator the feeds use', () => {
    expect(splitTags('独居老人；低保户')).toEqual(['独居老人', '低保户']);
    expect(splitTags('独居老人;低保户、残疾人,退役军人，重点关注')).toEqual([
      '独居老人',
      '低保户',
      '残疾人',
      '退役军人',
      '重点关注',
    ]);
  });

  it('trims, drops empties and keeps the first of duplicates', () => {
    expect(splitTags(' 低保户 ;;\u3000独居老人\u3000；低保户、 ')).toEqual(['低保户', '独居老人']);
  });

  it('does not split on whitespace inside a tag', () => {
    expect(splitTags('独居 老人')).toEqual(['独居 老人']);
  });

  it('returns no tags for blank input', () => {
    expect(splitTags(null)).toEqual([]);
    expect(splitTags(' ; ')).toEqual([]);
  });

  it('recovers distinct tags joined by any separator', () => {
    const tag = fc.constantFrom('独居老人', '空巢老人', '残疾人', '留守儿童', '低保户', '退役军人');
    const separator = fc.constantFrom(';', '；', '、', ',', '，', ' ; ', '\u3000、');
    fc.assert(
      fc.property(
        fc.uniqueArray(tag, { minLength: 1 }),
        fc.array(separator, { minLength: 6, maxLength: 6 }),
        (tags, seps) => {
          const raw = tags.map((t, i) => t + seps[i]).join('');
          expect(splitTags(raw)).toEqual(tags);
        },
      ),
    );
  });
});
