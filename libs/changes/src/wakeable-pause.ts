/**
 * A pause between polls of a background loop that can be cut short: by shutdown, or by news
 * that there is work. A wake that comes while the loop is busy is kept, so the loop's next
 * sleep returns at once instead of missing it.
 */
export class WakeablePause {
  private wakeUp?: () => void;
  private woken = false;

  sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    if (wakeUp) wakeUp();
    else this.woken = true;
  }
}
