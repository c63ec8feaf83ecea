/**
 * Two subscribers of the API's HTTP change feed for the latency bench (change-latency.ts): one
 * long-polling `GET /v1/changes?wait=30`, one reading the Server-Sent Events stream. Each notes
 * when every event (by CloudEvent id) reached it; the bench times its probes' events with them.
 */

/** When each event reached a subscriber, by CloudEvent id (performance.now()). */
export type Arrivals = Map<string, number>;

export interface ChangeFeedSubscribers {
  longPoll: Arrivals;
  sse: Arrivals;
  stop(): Promise<void>;
}

interface Caller {
  /** The API's base URL, e.g. http://127.0.0.1:3000. */
  url: string;
  token: string;
  purpose: string;
}

const headers = (caller: Caller, accept: string) => ({
  Authorization: `Bearer ${caller.token}`,
  'X-Purpose': caller.purpose,
  Accept: accept,
});

/** Starts both subscribers from the start of the change log. */
export function subscribeToChangeFeed(caller: Caller): ChangeFeedSubscribers {
  const abort = new AbortController();
  const longPoll: Arrivals = new Map();
  const sse: Arrivals = new Map();
  const running = [
    pollLongly(caller, longPoll, abort.signal),
    streamEvents(caller, sse, abort.signal),
  ].map((p) =>
    p.catch((error: unknown) => {
      if (!abort.signal.aborted) throw error;
    }),
  );
  return {
    longPoll,
    sse,
    stop: async () => {
      abort.abort();
      await Promise.all(running);
    },
  };
}

async function pollLongly(caller: Caller, arrivals: Arrivals, signal: AbortSignal) {
  let after = '0';
  while (!signal.aborted) {
    const res = await fetch(`${caller.url}/v1/changes?after=${after}&wait=30&limit=1000`, {
      headers: headers(caller, 'application/json'),
      signal,
    });
    if (!res.ok) throw new Error(`long-poll: HTTP ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { events: { id: string }[]; next: string };
    const now = performance.now();
    for (const event of page.events) arrivals.set(event.id, now);
    after = page.next;
  }
}

/**
 * Reads `data:` lines of the stream (one event each, as the API writes them), reconnecting from
 * the last `id:` when the API ends the stream, as an EventSource would.
 */
async function streamEvents(caller: Caller, arrivals: Arrivals, signal: AbortSignal) {
  let after = '0';
  while (!signal.aborted) {
    const res = await fetch(`${caller.url}/v1/changes?after=${after}`, {
      headers: headers(caller, 'text/event-stream'),
      signal,
    });
    if (!res.ok || !res.body) throw new Error(`SSE: HTTP ${res.status}`);
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const now = performance.now();
      buffered += decoder.decode(chunk, { stream: true });
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines)
        if (line.startsWith('id:')) after = line.slice(3).trim();
        else if (line.startsWith('data:')) {
          const event = JSON.parse(line.slice(5)) as { id: string };
          arrivals.set(event.id, now);
        }
    }
  }
}
