import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { GuardedRequest } from './access.guard';

/**
 * Rate limits per client, not per address: many township offices sit behind one NAT address,
 * and one department system may spread over many. Runs after the AccessGuard; requests it let
 * through without a principal (public routes: login) count per address.
 */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const principal = (request as unknown as GuardedRequest).access?.principal;
    return Promise.resolve(
      principal ? `${principal.kind}:${principal.id}` : `ip:${String(request.ip)}`,
    );
  }
}
