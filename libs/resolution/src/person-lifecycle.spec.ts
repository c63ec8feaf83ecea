import { personLifecycle } from './person-lifecycle';

describe('personLifecycle', () => {
  const none = new Map<string, 'cancelled' | 'unnamed'>();

  it('merges a person whose every mention went to one other person into it', () => {
    const moves = [
      { from: 'p', to: 'q' },
      { from: 'p', to: 'q' },
    ];
    expect(personLifecycle(['p'], new Set(['q']), moves, none)).toEqual({
      merged: [{ id: 'p', into: 'q' }],
      split: [],
      ended: [],
    });
  });

  it('names every person that took a mention of a person merged into several', () => {
    const moves = [
      { from: 'p', to: 'r' },
      { from: 'p', to: 'q' },
      { from: 'p', to: 's' },
      { from: 'p', to: 'q' },
    ];
    expect(personLifecycle(['p'], new Set(['q', 'r', 's']), moves, none).merged).toEqual([
      { id: 'p', into: 'q', alsoInto: ['r', 's'] },
    ]);
  });

  it('names the same survivor whatever the order of moves when several took as many', () => {
    const survivors = [
      [
        { from: 'p', to: 'b' },
        { from: 'p', to: 'a' },
      ],
      [
        { from: 'p', to: 'a' },
        { from: 'p', to: 'b' },
      ],
    ].map((moves) => personLifecycle(['p'], new Set(['a', 'b']), moves, none).merged);
    expect(survivors).toEqual([
      [{ id: 'p', into: 'a', alsoInto: ['b'] }],
      [{ id: 'p', into: 'a', alsoInto: ['b'] }],
    ]);
  });

  it('splits a person that kept some mentions, and ends one whose records withdrew them all', () => {
    const moves = [
      { from: 'p', to: 'r' },
      { from: 'p', to: 'q' },
    ];
    const withdrawn = new Map([['e', 'unnamed' as const]]);
    expect(
      personLifecycle(['p', 'e', 'k'], new Set(['p', 'k', 'q', 'r']), moves, withdrawn),
    ).toEqual({
      merged: [],
      split: [{ id: 'p', into: ['q', 'r'] }],
      ended: [{ id: 'e', reason: 'unnamed' }],
    });
  });
});
