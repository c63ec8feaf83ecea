/** What a Kafka consumer reports of its progress (the ingest's IngestMetrics). */
export interface ConsumerProgress {
  /**
   * When it last committed a batch, or had work again after it had none, or started (ms since
   * the epoch): the time it has been behind without committing runs from there.
   */
  lastProgressAt: number;
  /** Messages it is behind on the partitions it holds, as of the batches last handed to it. */
  lag: number;
}

export interface ConsumerProgressSource {
  consumerProgress(): ConsumerProgress;
}

/**
 * A process whose liveness includes its consumer's progress provides this (the ingest, see
 * apps/ingest IngestModule); the others' `/health` stays a bare "the process answers".
 */
export const CONSUMER_LIVENESS = Symbol('CONSUMER_LIVENESS');

export interface ConsumerLivenessOptions {
  source: ConsumerProgressSource;
  /** HUB_INGEST_STALL_SECONDS. */
  stallSeconds: number;
}

export interface ConsumerLiveness {
  stalled: boolean;
  lag: number;
  /** Whole seconds since the last committed batch (or the start). */
  secondsSinceProgress: number;
}

/**
 * A consumer is stalled when it has committed nothing for `stallSeconds` while messages wait for
 * it: a batch failing every time (a message no retry gets past, a database that refuses every
 * transaction) or one that never returns. One with nothing to read is idle, not stalled, however
 * long ago its last batch; one that commits now and then is slow, not stalled, however far behind.
 */
export function consumerLiveness(
  { lastProgressAt, lag }: ConsumerProgress,
  now: number,
  stallSeconds: number,
): ConsumerLiveness {
  const secondsSinceProgress = Math.max(0, Math.floor((now - lastProgressAt) / 1000));
  return { stalled: lag > 0 && secondsSinceProgress >= stallSeconds, lag, secondsSinceProgress };
}
