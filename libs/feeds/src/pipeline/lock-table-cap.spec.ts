import { LockTableCap } from './lock-table-cap';

describe('LockTableCap', () => {
  it('caps nothing until the lock table overflows', () => {
    const cap = new LockTableCap(3);
    expect(cap.records).toBe(Infinity);
    expect(cap.committed()).toBe(false);
    expect(cap.records).toBe(Infinity);
  });

  it('keeps the smallest size that fitted', () => {
    const cap = new LockTableCap(3);
    cap.overflowed(500);
    cap.overflowed(250);
    cap.overflowed(400);
    expect(cap.records).toBe(250);
  });

  it('is lifted after `recheckAfter` transactions committed under it', () => {
    const cap = new LockTableCap(3);
    cap.overflowed(500);
    expect([cap.committed(), cap.committed()]).toEqual([false, false]);
    expect(cap.records).toBe(500);
    expect(cap.committed()).toBe(true);
    expect(cap.records).toBe(Infinity);
  });

  it('counts again from a new overflow', () => {
    const cap = new LockTableCap(2);
    cap.overflowed(500);
    cap.committed();
    cap.overflowed(250);
    expect(cap.committed()).toBe(false);
    expect(cap.records).toBe(250);
    expect(cap.committed()).toBe(true);
    expect(cap.records).toBe(Infinity);
  });
});
