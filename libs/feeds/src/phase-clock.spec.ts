import { PhaseClock } from './ingest-metrics';

describe('PhaseClock', () => {
  const laps = () => {
    const seen: string[] = [];
    return { seen, clock: new PhaseClock((phase) => seen.push(phase)) };
  };

  it('names the rest of a transaction that took the resolution locks `resolution`', () => {
    const { seen, clock } = laps();
    clock.lap('validate_map');
    clock.lap('records');
    clock.lap('person_lock_wait');
    clock.endOfTransactionBody();
    clock.lap('commit');
    expect(seen).toEqual(['validate_map', 'records', 'person_lock_wait', 'resolution', 'commit']);
  });

  it('counts a transaction that named no person as `records`, also after one that did', () => {
    const { seen, clock } = laps();
    clock.lap('records');
    clock.lap('person_lock_wait');
    clock.endOfTransactionBody();
    clock.lap('commit');
    clock.endOfTransactionBody();
    clock.lap('commit');
    expect(seen.slice(-2)).toEqual(['records', 'commit']);
  });
});
