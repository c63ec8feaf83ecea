import { Inject, Injectable } from '@nestjs/common';
import type { AccessRules, Purpose, Role } from './access-rules';
import { EVERYWHERE, jurisdictionOf } from './jurisdiction';
import type { Principal } from './principal';

export const ACCESS_RULES = Symbol('ACCESS_RULES');

/** Turns the access rules (data) into principals and answers what a permission allows. */
@Injectable()
export class AccessPolicy {
  private readonly purposeCodes: Set<string>;

  constructor(@Inject(ACCESS_RULES) readonly rules: AccessRules) {
    this.purposeCodes = new Set(rules.purposes.map((p) => p.code));
  }

  get purposes(): Purpose[] {
    return this.rules.purposes;
  }

  isPurpose(code: string): boolean {
    return this.purposeCodes.has(code);
  }

  /** A staff member (local login or identity provider) with a role over a division. */
  staff(
    kind: 'user' | 'external' | 'bootstrap',
    id: string,
    name: string,
    role: Role,
    divisionCode: string | null,
  ): Principal {
    const rules = this.rules.roles[role];
    return {
      kind,
      id,
      name,
      role,
      clientId: null,
      feeds: [],
      permissions: new Set(rules.permissions),
      jurisdiction: divisionCode === null ? EVERYWHERE : jurisdictionOf(divisionCode),
      divisionCode,
      fieldPolicy: rules.fieldPolicy,
    };
  }

  /** A department or subscriber system: pushes its feeds, reads what its scopes grant. */
  client(client: {
    id: string;
    name: string;
    feeds: string[];
    scopes: string[];
    divisionCode: string | null;
  }): Principal {
    const permissions = new Set(
      client.scopes.flatMap((scope) => this.rules.clients.scopes[scope] ?? []),
    );
    if (client.feeds.length > 0) permissions.add('feeds:push');
    return {
      kind: 'client',
      id: client.id,
      name: client.name,
      role: null,
      clientId: client.id,
      feeds: client.feeds,
      permissions,
      jurisdiction: client.divisionCode === null ? EVERYWHERE : jurisdictionOf(client.divisionCode),
      divisionCode: client.divisionCode,
      fieldPolicy: this.rules.clients.fieldPolicy,
    };
  }

  /** The roles whose permissions include `permission` (for the OpenAPI document and README). */
  rolesWith(permission: string): string[] {
    return Object.entries(this.rules.roles)
      .filter(([, r]) => r.permissions.includes(permission))
      .map(([role]) => role);
  }

  /** The client scopes that grant `permission`. */
  scopesWith(permission: string): string[] {
    return Object.entries(this.rules.clients.scopes)
      .filter(([, granted]) => granted.includes(permission))
      .map(([scope]) => scope);
  }
}
