export default async function globalTeardown(): Promise<void> {
  for (const stop of globalThis.__hubTestServices?.stops ?? []) {
    try {
      await stop();
    } catch (error) {
      process.stderr.write(`[test services] stop failed: ${String(error)}\n`);
    }
  }
}
