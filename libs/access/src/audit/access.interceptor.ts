import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  ServiceUnavailableException,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, mergeMap, type Observable } from 'rxjs';
import { accessOf } from '../access.guard';
import { ACCESS_RULE, type AccessRule } from '../access-rule.decorator';
import { applyFieldPolicy } from '../masking';
import { AuditTrail, endpointOf } from './audit-trail';

/**
 * After a guarded handler: masks its response by the caller's field policy (the response then
 * names the masked fields in `maskedFields` and the X-Masked-Fields header) and writes its audit
 * row; the response leaves only once the row is written.
 */
@Injectable()
export class AccessInterceptor implements NestInterceptor {
  private readonly log = new Logger(AccessInterceptor.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly trail: AuditTrail,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (context.getType() !== 'http' || rule?.kind !== 'permission') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    return next
      .handle()
      .pipe(mergeMap((body: unknown) => from(this.finish(rule, request, response, body))));
  }

  private async finish(
    rule: Extract<AccessRule, { kind: 'permission' }>,
    request: Request,
    response: Response,
    body: unknown,
  ): Promise<unknown> {
    let out = body;
    let unmasked: string[] = [];
    if (rule.masked && body !== undefined && body !== null) {
      const policed = applyFieldPolicy(body, accessOf(request).principal.fieldPolicy);
      unmasked = policed.unmasked;
      // A handler that masked its response itself (forms) names its masked fields already.
      const own = (body as { maskedFields?: unknown }).maskedFields;
      const masked = [
        ...new Set([...policed.masked, ...(Array.isArray(own) ? (own as string[]) : [])]),
      ].sort();
      response.setHeader('X-Masked-Fields', masked.join(',') || 'none');
      out =
        typeof policed.body === 'object' && !Array.isArray(policed.body)
          ? { ...policed.body, maskedFields: masked }
          : policed.body;
    }
    const audit = rule.audit;
    if (audit && !audit.selfAudited) {
      try {
        await this.trail.record(request, {
          subjects: audit.subjects?.(body, request) ?? [],
          fieldsUnmasked: [...new Set([...unmasked, ...(audit.unmasked?.(body) ?? [])])].sort(),
          status: response.statusCode,
          detail: audit.detail?.(body, request) ?? null,
        });
      } catch (error) {
        this.log.error(`audit row not written for ${endpointOf(request)}: ${String(error)}`);
        throw new ServiceUnavailableException(
          'the audit trail cannot be written; nothing was returned',
        );
      }
    }
    return out;
  }
}
