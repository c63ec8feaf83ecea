import fc from 'fast-check';
import { clusterBlock, type BlockMention } from './cluster-block';
import { DEFAULT_MATCH_THRESHOLDS } from './person-match';
import { featuresOf } from './test-features';

const mention = (
  key: string,
  values: Record<string, unknown>,
  invalid: Record<string, unknown> = {},
): BlockMention => ({ key, features: featuresOf(values, invalid) });

const township = { divisionCode: '500116005' };
// Twins share surname, birth date, household and phone; their IDs tell them apart.
const block: BlockMention[] = [
  mention('population/a', {
    name: '张伟',
    idNumber: '500116198001020011',
    phone: '13800000001',
    residenceAddress: township,
  }),
  mention('population/b', {
    name: '张玮',
    idNumber: '500116198001020038',
    phone: '13800000001',
    residenceAddress: township,
  }),
  mention(
    'grid/a',
    {
      name: '张伟',
      gender: '1',
      birthDate: '1980-01-02',
      phone: '13800000001',
      residenceAddress: township,
    },
    { idNumber: '500116198001020012' },
  ),
  mention('grid/c', {
    name: '张伟',
    gender: '1',
    birthDate: '1980-01-02',
    phone: '13911111111',
    residenceAddress: township,
  }),
  mention('assistance/c', {
    name: '张伟',
    gender: '1',
    birthDate: '1980-01-02',
    phone: '13911111111',
    residenceAddress: township,
  }),
  mention('grid/d', { name: '张伟', gender: '1' }),
];

const partition = (mentions: BlockMention[]) => {
  const r = clusterBlock(mentions, DEFAULT_MATCH_THRESHOLDS);
  const groups = new Map<string, string[]>();
  for (const [key, c] of r.cluster) groups.set(c, [...(groups.get(c) ?? []), key].sort());
  return [...groups.values()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
};

describe('clusterBlock', () => {
  it('links by ID, links decisive scored evidence to its ID, sends twin-like doubt to review', () => {
    expect(partition(block)).toEqual([
      ['assistance/c'],
      ['grid/a', 'population/a'],
      ['grid/c'],
      ['grid/d'],
      ['population/b'],
    ]);
    // Same name, birth date and township as twin a, a homophone of twin b: a reviewer decides.
    const r = clusterBlock(block, DEFAULT_MATCH_THRESHOLDS);
    expect(r.reviews.map((t) => t.key)).toEqual(['assistance/c', 'grid/c']);
  });

  it('joins mentions without an ID when they agree strongly and no ID person is near', () => {
    const r = partition([
      mention('grid/w', {
        name: '王芳',
        gender: '2',
        birthDate: '1975-06-01',
        phone: '13600000000',
      }),
      mention('assistance/w', {
        name: '王芳',
        gender: '2',
        birthDate: '1975-06-01',
        phone: '13600000000',
      }),
      mention('grid/v', { name: '王芳', gender: '2', birthDate: '1975' }),
    ]);
    expect(r).toEqual([['assistance/w', 'grid/w'], ['grid/v']]);
  });

  it('opens a review when a mention fits two ID clusters equally', () => {
    const twins = [
      mention('population/x', { name: '李娜', idNumber: '500116199001010021' }),
      mention('population/y', { name: '李那', idNumber: '500116199001010048' }),
      mention('grid/z', {
        name: '李娜',
        gender: '2',
        birthDate: '1990-01-01',
        phone: '13700000000',
      }),
    ];
    const r = clusterBlock(twins, DEFAULT_MATCH_THRESHOLDS);
    expect(r.cluster.get('grid/z')).toBe('m:grid/z');
    expect(r.reviews.map((t) => t.key)).toEqual(['grid/z']);
    expect(r.reviews[0].candidates.map((c) => c.cluster).sort()).toEqual([
      'id:500116199001010021',
      'id:500116199001010048',
    ]);
  });

  it('gives the same partition whatever order the mentions come in', () => {
    const expected = partition(block);
    fc.assert(
      fc.property(fc.shuffledSubarray(block, { minLength: block.length }), (shuffled) => {
        expect(partition(shuffled)).toEqual(expected);
      }),
    );
  });

  it('lets an operator decision win: same joins a reviewed mention, different keeps a scored one apart', () => {
    const decided = clusterBlock(block, DEFAULT_MATCH_THRESHOLDS, [
      { a: 'grid/c', b: 'population/a', verdict: 'same' },
      { a: 'grid/a', b: 'population/a', verdict: 'different' },
    ]);
    expect(decided.cluster.get('grid/c')).toBe(decided.cluster.get('population/a'));
    expect(decided.link.get('grid/c')).toEqual({ rule: 'decision', matchedKey: 'population/a' });
    expect(decided.cluster.get('grid/a')).not.toBe(decided.cluster.get('population/a'));
    expect(decided.reviews.map((r) => r.key)).not.toContain('grid/c');
  });

  it('joins mentions an operator said are the same even when the score would not', () => {
    const r = partition([
      mention('grid/p', { name: '王芳', gender: '2' }),
      mention('grid/q', { name: '王芳', gender: '2' }),
    ]);
    expect(r).toEqual([['grid/p'], ['grid/q']]);
    const decided = clusterBlock(
      [
        mention('grid/p', { name: '王芳', gender: '2' }),
        mention('grid/q', { name: '王芳', gender: '2' }),
      ],
      DEFAULT_MATCH_THRESHOLDS,
      [{ a: 'grid/q', b: 'grid/p', verdict: 'same' }],
    );
    expect(decided.cluster.get('grid/p')).toBe(decided.cluster.get('grid/q'));
  });
});
