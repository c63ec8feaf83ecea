import type { AccessRules } from './access-rules';

const TREATMENT = { full: 'full', masked: 'masked', omit: '—' } as const;

/**
 * The README's permission table, made from rules/access/roles.json: one row per permission, one
 * column per role and one for clients, then the field policy. A test keeps the README's copy equal
 * to this, so the table people read is the one the hub enforces.
 */
export function permissionMatrix(rules: AccessRules): string {
  const roles = Object.keys(rules.roles) as (keyof AccessRules['roles'])[];
  const clientGrants = (permission: string) => {
    const scopes = Object.entries(rules.clients.scopes)
      .filter(([, granted]) => granted.includes(permission))
      .map(([scope]) => `\`${scope}\``);
    if (permission === 'feeds:push') scopes.unshift('its feeds');
    return scopes.join(', ');
  };
  const header = [
    '| permission | what it allows | ' +
      roles.map((r) => `${r} ${rules.roles[r].label}`).join(' | ') +
      ' | clients |',
    '| --- | --- | ' + roles.map(() => ':---:').join(' | ') + ' | --- |',
  ];
  const rows = Object.entries(rules.permissions).map(
    ([permission, meaning]) =>
      `| \`${permission}\` | ${meaning} | ` +
      roles.map((r) => (rules.roles[r].permissions.includes(permission) ? '✓' : '')).join(' | ') +
      ` | ${clientGrants(permission)} |`,
  );
  const fields = (['idNumber', 'phone', 'address'] as const).map(
    (field) =>
      `| field \`${field}\` | how it is shown | ` +
      roles.map((r) => TREATMENT[rules.roles[r].fieldPolicy[field]]).join(' | ') +
      ` | ${TREATMENT[rules.clients.fieldPolicy[field]]} |`,
  );
  return [...header, ...rows, ...fields].join('\n');
}
