import { WakeablePause } from './wakeable-pause';

describe('WakeablePause', () => {
  it('ends a sleep when woken', async () => {
    const pause = new WakeablePause();
    const slept = pause.sleep(60_000);
    pause.wake();
    await expect(slept).resolves.toBeUndefined();
  });

  it('keeps a wake that comes while nobody sleeps, for the next sleep only', async () => {
    jest.useFakeTimers();
    try {
      const pause = new WakeablePause();
      pause.wake();
      pause.wake();
      await expect(pause.sleep(60_000)).resolves.toBeUndefined();
      let second = false;
      void pause.sleep(1000).then(() => (second = true));
      await jest.advanceTimersByTimeAsync(999);
      expect(second).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(second).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps a wake that comes after a sleep ran out', async () => {
    jest.useFakeTimers();
    try {
      const pause = new WakeablePause();
      const first = pause.sleep(10);
      await jest.advanceTimersByTimeAsync(10);
      await first;
      pause.wake();
      let second = false;
      void pause.sleep(60_000).then(() => (second = true));
      await jest.advanceTimersByTimeAsync(0);
      expect(second).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
