import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiHeader,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';

export const ACCESS_RULE = 'hub:access-rule';

export interface AuditSpec {
  /** read: a personal-data read; write: a change made by a person. */
  action: 'read' | 'write';
  /** The entity ids the response (or request) is about. */
  subjects?: (body: any, request: Request) => unknown[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Fields the response holds unmasked, when the handler masked it itself (forms). */
  unmasked?: (body: any) => string[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Range and count of bulk reads, what a write asked for. */
  detail?: (body: any, request: Request) => Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The handler streams its response and writes its audit row itself (AuditTrail). */
  selfAudited?: boolean;
}

/** What a route requires. Every route has one: the guard refuses a route without. */
export type AccessRule =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | {
      kind: 'permission';
      permission: string;
      /** X-Purpose required (one of rules/access/purposes.json). */
      purpose: boolean;
      /** Response masked by the caller's field policy. */
      masked: boolean;
      audit?: AuditSpec;
    };

const PURPOSE_HEADER = ApiHeader({
  name: 'X-Purpose',
  required: true,
  description: 'Why the data is read or changed: a code of GET /v1/purposes, e.g. grid-visit',
});

const guarded = (rule: AccessRule, ...extra: MethodDecorator[]) =>
  applyDecorators(
    SetMetadata(ACCESS_RULE, rule),
    ApiBearerAuth('bearer'),
    ApiUnauthorizedResponse({ description: 'No credential, or one that proves nothing' }),
    ...extra,
  );

/** Anyone, without a credential (probes, login, the OpenAPI document). */
export const Public = () => SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule);

/** Any authenticated caller, whatever their role. */
export const Authenticated = () => guarded({ kind: 'authenticated' });

/** A permission of rules/access/roles.json; no personal data in or out. */
export const Permission = (permission: string, audit?: AuditSpec) =>
  guarded(
    { kind: 'permission', permission, purpose: false, masked: false, audit },
    ApiExtension('x-hub-permission', permission),
    ApiForbiddenResponse({ description: `Needs ${permission}` }),
  );

/**
 * Personal data: the permission, a purpose in X-Purpose, the response masked by the caller's
 * field policy, and an audit row written before the response leaves (fail closed).
 */
export const PersonalData = (permission: string, audit: AuditSpec) =>
  guarded(
    { kind: 'permission', permission, purpose: true, masked: true, audit },
    ApiExtension('x-hub-permission', permission),
    ApiExtension('x-hub-personal-data', true),
    ApiForbiddenResponse({ description: `Needs ${permission}` }),
    PURPOSE_HEADER,
  );
