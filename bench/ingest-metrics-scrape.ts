/**
 * The sum of the values of a metric's lines (those starting with `prefix`) over the ingest
 * processes listening on these ports, by the label `by` captures (one sum under '' without).
 * A process not listening yet counts nothing.
 */
export async function metricSums(
  ports: number[],
  prefix: string,
  by = /(?:)/,
): Promise<Map<string, number>> {
  const sums = new Map<string, number>();
  for (const port of ports) {
    let text = '';
    try {
      text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    } catch {
      continue;
    }
    for (const line of text.split('\n').filter((l) => l.startsWith(prefix))) {
      const label = by.exec(line)?.[1] ?? '';
      sums.set(label, (sums.get(label) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
  }
  return sums;
}
