import { consumerLiveness } from './consumer-liveness';

describe('consumerLiveness: when the ingest asks to be restarted', () => {
  const start = Date.parse('2026-12-05T08:00:00Z');
  const at = (seconds: number) => start + seconds * 1000;

  it('stalled: nothing committed for the stall time while messages wait', () => {
    expect(consumerLiveness({ lastProgressAt: start, lag: 1 }, at(300), 300)).toEqual({
      stalled: true,
      lag: 1,
      secondsSinceProgress: 300,
    });
  });

  it('alive just before the stall time', () => {
    expect(consumerLiveness({ lastProgressAt: start, lag: 5000 }, at(299.9), 300).stalled).toBe(
      false,
    );
  });

  it('idle, not stalled: nothing waits, however long ago the last batch', () => {
    expect(consumerLiveness({ lastProgressAt: start, lag: 0 }, at(86_400), 300)).toEqual({
      stalled: false,
      lag: 0,
      secondsSinceProgress: 86_400,
    });
  });

  it('slow, not stalled: far behind, but a batch committed within the stall time', () => {
    expect(
      consumerLiveness({ lastProgressAt: at(3590), lag: 2_000_000 }, at(3600), 300).stalled,
    ).toBe(false);
  });

  it('a clock that stepped back counts as no time passed', () => {
    expect(consumerLiveness({ lastProgressAt: at(10), lag: 3 }, at(0), 1)).toEqual({
      stalled: false,
      lag: 3,
      secondsSinceProgress: 0,
    });
  });
});
