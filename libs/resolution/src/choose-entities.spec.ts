import { type CandidatePerson, chooseEntities, idNumbersOfClusters } from './choose-entities';

/** Mention key → cluster, and mention key → the entity it is on now. */
const resolution = (mentions: [key: string, cluster: string, entity: string][]) => ({
  clusters: new Map(mentions.map(([key, cluster]) => [key, cluster])),
  entityOf: (key: string) => mentions.find(([k]) => k === key)![2],
});
const person = (id: string, more: Partial<CandidatePerson> = {}): CandidatePerson => ({
  id,
  id_number: null,
  merged: false,
  ended: false,
  ...more,
});
const ids = () => {
  let n = 0;
  return () => `new-${++n}`;
};

describe('chooseEntities', () => {
  it('keeps the entity most of a cluster’s mentions are on, so an unchanged block moves nothing', () => {
    const { clusters, entityOf } = resolution([
      ['a', 'b1', 'P'],
      ['b', 'b1', 'P'],
      ['c', 'b1', 'Q'],
    ]);
    const chosen = chooseEntities(clusters, entityOf, [person('P'), person('Q')], ids());
    expect(chosen).toEqual(new Map([['b1', 'P']]));
  });

  it('gives an ID cluster the person holding that ID, a live one before an ended one', () => {
    const { clusters, entityOf } = resolution([
      ['a', 'id:X', 'Q'],
      ['b', 'id:X', 'Q'],
    ]);
    const persons = [
      person('A', { id_number: 'X', ended: true }),
      person('B', { id_number: 'X' }),
      person('Q'),
    ];
    expect(chooseEntities(clusters, entityOf, persons, ids()).get('id:X')).toBe('B');
  });

  it('lets no two clusters keep one entity: ID clusters choose first, then by name', () => {
    const { clusters, entityOf } = resolution([
      ['a', 'b2', 'P'],
      ['b', 'b1', 'P'],
      ['c', 'id:X', 'P'],
    ]);
    const chosen = chooseEntities(clusters, entityOf, [person('P')], ids());
    // No person holds X, so its cluster votes and takes P; the other two get new persons.
    expect(chosen).toEqual(
      new Map([
        ['id:X', 'P'],
        ['b1', 'new-1'],
        ['b2', 'new-2'],
      ]),
    );
  });

  it('does not keep a tombstone or a person holding another ID', () => {
    const { clusters, entityOf } = resolution([
      ['a', 'b1', 'T'],
      ['b', 'b1', 'T'],
      ['c', 'b1', 'H'],
      ['d', 'b1', 'F'],
    ]);
    const persons = [person('T', { merged: true }), person('H', { id_number: 'Y' }), person('F')];
    expect(chooseEntities(clusters, entityOf, persons, ids()).get('b1')).toBe('F');
  });

  it('breaks a tie between entities by id, whatever the order of the mentions', () => {
    const forward = resolution([
      ['a', 'b1', 'Q'],
      ['b', 'b1', 'P'],
    ]);
    const backward = resolution([
      ['b', 'b1', 'P'],
      ['a', 'b1', 'Q'],
    ]);
    const persons = [person('P'), person('Q')];
    expect(chooseEntities(forward.clusters, forward.entityOf, persons, ids()).get('b1')).toBe('P');
    expect(chooseEntities(backward.clusters, backward.entityOf, persons, ids()).get('b1')).toBe(
      'P',
    );
  });

  it('names the ID numbers of the ID clusters once each', () => {
    const { clusters } = resolution([
      ['a', 'id:X', 'P'],
      ['b', 'id:X', 'P'],
      ['c', 'b1', 'Q'],
    ]);
    expect(idNumbersOfClusters(clusters)).toEqual(['X']);
  });
});
