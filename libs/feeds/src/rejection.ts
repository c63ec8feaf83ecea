import type { RejectReason } from '@hub/model';

/** Why a message cannot enter the model; the pipeline turns it into a reject (and a DLQ message). */
export class RecordRejection extends Error {
  constructor(
    readonly reason: RejectReason,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RecordRejection';
  }
}
