import { diffRelations, type ResolvedRelation } from './relation-changes';

const livesAt = (place: string, attributes = {}): ResolvedRelation => ({
  type: 'lives_at',
  from: { type: 'person', id: 'p1' },
  to: { type: 'place', id: place },
  attributes,
});

describe('diffRelations', () => {
  it('adds every relation of a first version and ends every one of a cancelled record', () => {
    expect(diffRelations([], [livesAt('a')])).toEqual([{ kind: 'added', relation: livesAt('a') }]);
    expect(diffRelations([livesAt('a')], [])).toEqual([{ kind: 'ended', relation: livesAt('a') }]);
  });

  it('ends the old place and adds the new one when the resident moves', () => {
    expect(diffRelations([livesAt('a')], [livesAt('b')])).toEqual([
      { kind: 'ended', relation: livesAt('a') },
      { kind: 'added', relation: livesAt('b') },
    ]);
  });

  it('changes nothing for a relation both versions state, and tells qualifiers apart', () => {
    expect(diffRelations([livesAt('a')], [livesAt('a')])).toEqual([]);
    expect(
      diffRelations([livesAt('a', { role: 'x' })], [livesAt('a', { role: 'y' })]),
    ).toHaveLength(2);
  });
});
