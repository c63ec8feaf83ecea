import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoFolder, SchemaRegistry } from '@hub/contracts';

export type FieldTreatment = 'full' | 'masked' | 'omit';
/** The personal fields whose treatment depends on who reads them. */
export const POLICED_FIELDS = ['idNumber', 'phone', 'address'] as const;
export type PolicedField = (typeof POLICED_FIELDS)[number];
export type FieldPolicy = Record<PolicedField, FieldTreatment>;

export const ROLES = [
  'district-admin',
  'township-staff',
  'community-staff',
  'grid-worker',
  'reviewer',
  'operator',
] as const;
export type Role = (typeof ROLES)[number];

export interface Purpose {
  code: string;
  label: string;
  description?: string;
}

export interface RoleRules {
  label: string;
  permissions: string[];
  fieldPolicy: FieldPolicy;
}

/** rules/access/roles.json and purposes.json, validated against schemas/access/ at start. */
export interface AccessRules {
  permissions: Record<string, string>;
  roles: Record<Role, RoleRules>;
  clients: { scopes: Record<string, string[]>; fieldPolicy: FieldPolicy };
  purposes: Purpose[];
}

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/**
 * Reads and checks the access rules: each file against its JSON Schema, then that every
 * permission a role or scope grants is declared (a typo would otherwise grant nothing silently,
 * or be read as a new permission). Throws naming the file and the problem.
 */
export function loadAccessRules(
  dir = join(findRepoFolder('rules'), 'access'),
  schemas = new SchemaRegistry(),
): AccessRules {
  const read = (file: string, schema: string) => {
    const path = join(dir, file);
    const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
    const validate = schemas.validator(schema);
    if (!validate(data)) throw new Error(`${path}: ${schemas.describe(validate.errors)}`);
    return data as Record<string, unknown>;
  };
  const roles = read('roles.json', 'access/roles.schema.json') as unknown as Omit<
    AccessRules,
    'purposes'
  >;
  const { purposes } = read('purposes.json', 'access/purposes.schema.json') as unknown as {
    purposes: Purpose[];
  };
  const declared = new Set(Object.keys(roles.permissions));
  const undeclared = [
    ...Object.entries(roles.roles).flatMap(([role, r]) =>
      r.permissions.filter((p) => !declared.has(p)).map((p) => `roles.${role}: ${p}`),
    ),
    ...Object.entries(roles.clients.scopes).flatMap(([scope, granted]) =>
      granted.filter((p) => !declared.has(p)).map((p) => `clients.scopes.${scope}: ${p}`),
    ),
  ];
  if (undeclared.length > 0)
    throw new Error(`${join(dir, 'roles.json')}: undeclared permissions ${undeclared.join(', ')}`);
  const codes = purposes.map((p) => p.code);
  const twice = codes.filter((c, i) => codes.indexOf(c) !== i);
  if (twice.length > 0)
    throw new Error(`${join(dir, 'purposes.json')}: codes twice: ${twice.join(', ')}`);
  return { ...roles, purposes };
}
