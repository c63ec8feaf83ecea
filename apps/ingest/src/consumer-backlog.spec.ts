import { CATCH_UP_FACTOR, ConsumerBacklog } from './consumer-backlog';

describe('ConsumerBacklog', () => {
  const sizes = { steady: 1000, catchUp: 3000 };

  it('keeps transactions small while caught up and grows them on a backlog', () => {
    const backlog = new ConsumerBacklog(sizes, () => 0);
    expect(backlog.transactionRecords()).toBe(1000);
    backlog.report('a/0', 600);
    backlog.report('a/1', 900);
    expect(backlog.behind()).toBe(1500);
    expect(backlog.transactionRecords()).toBe(1000);
    backlog.report('a/2', CATCH_UP_FACTOR * 1000);
    expect(backlog.transactionRecords()).toBe(3000);
    // The backlog drains: small transactions again.
    backlog.report('a/2', 0);
    expect(backlog.transactionRecords()).toBe(1000);
  });

  it('forgets a partition not heard of for a minute', () => {
    let now = 0;
    const backlog = new ConsumerBacklog(sizes, () => now);
    backlog.report('a/0', 50_000);
    now = 30_000;
    backlog.report('a/1', 10);
    expect(backlog.behind()).toBe(50_010);
    now = 61_000;
    expect(backlog.behind()).toBe(10);
    expect(backlog.transactionRecords()).toBe(1000);
  });

  it('never shrinks a transaction below the steady size', () => {
    const backlog = new ConsumerBacklog({ steady: 1000, catchUp: 200 }, () => 0);
    backlog.report('a/0', 1_000_000);
    expect(backlog.transactionRecords()).toBe(1000);
  });
});
