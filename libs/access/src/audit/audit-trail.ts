import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { accessOf } from '../access.guard';
import { AuditRepository } from './audit.repository';

/** The route as Express matched it (`/v1/persons/:id`), not the path with its values. */
export function endpointOf(request: Request): string {
  const route = (request.route as { path?: string } | undefined)?.path;
  return `${request.method} ${request.baseUrl ?? ''}${route ?? request.path}`;
}

/** The id pino-http gave the request (see the logging module). */
function requestIdOf(request: Request): string | null {
  const id = (request as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}

/**
 * Writes the audit row of a request from what the guard established (actor, role, client,
 * purpose) and what the handler returned (subjects, unmasked fields, range). Fails when the row
 * cannot be written: the caller then answers an error, never the data (fail closed).
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly audit: AuditRepository) {}

  record(
    request: Request,
    entry: {
      subjects: unknown[];
      fieldsUnmasked: string[];
      status: number;
      detail?: Record<string, unknown> | null;
    },
  ): Promise<string> {
    const { principal, purpose } = accessOf(request);
    const subjects = [...new Set(entry.subjects.filter((s): s is string => typeof s === 'string'))];
    return this.audit.append({
      actor: principal.name,
      actorKind: principal.kind,
      role: principal.role,
      clientId: principal.clientId,
      endpoint: endpointOf(request),
      purpose,
      subjectIds: subjects,
      fieldsUnmasked: entry.fieldsUnmasked,
      status: entry.status,
      requestId: requestIdOf(request),
      detail: entry.detail ?? null,
    });
  }
}
