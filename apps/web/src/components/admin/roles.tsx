import type { components } from '../../api/schema';

export type Role = components['schemas']['CreateUserDto']['role'];
export type StaffUser = components['schemas']['UserDto'];

/**
 * The roles a user may be given, as the OpenAPI document lists them (CreateUserDto.role), with
 * the names the hub gives them: the API names a role only on the users who hold it (roleLabel),
 * so a role nobody holds yet shows its code.
 */
export function roleOptions(roles: readonly Role[], users: StaffUser[]) {
  const names = new Map(users.map((u) => [u.role, u.roleLabel]));
  return roles.map((role) => ({
    value: role,
    label: names.get(role) ? `${names.get(role)}（${role}）` : role,
  }));
}

/**
 * CreateUserDto.role's values, most powerful first: a Record over the generated type, so a role
 * added to or removed from the API breaks the build here.
 */
const ROLE_ORDER: Record<Role, number> = {
  'district-admin': 0,
  'township-staff': 1,
  'community-staff': 2,
  'grid-worker': 3,
  reviewer: 4,
  operator: 5,
};
export const ROLES = (Object.keys(ROLE_ORDER) as Role[]).sort(
  (a, b) => ROLE_ORDER[a] - ROLE_ORDER[b],
);
