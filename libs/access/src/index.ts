export { AccessModule } from './access.module';
export type { AccessModuleOptions } from './access.module';
export { accessOf } from './access.guard';
export { AccessPolicy } from './access-policy';
export {
  ACCESS_RULE,
  Authenticated,
  Permission,
  PersonalData,
  Public,
} from './access-rule.decorator';
export type { AccessRule, AuditSpec } from './access-rule.decorator';
export { loadAccessRules, POLICED_FIELDS, ROLES } from './access-rules';
export type { AccessRules, FieldPolicy, Purpose, Role } from './access-rules';
export { AccountsBootstrap, DEMO_PASSWORD, DEMO_USERS } from './accounts-bootstrap';
export type { AccountsReport } from './accounts-bootstrap';
export { AuditRepository } from './audit/audit.repository';
export type { AuditEntry, AuditRow, ChainBreak } from './audit/audit.repository';
export { AuditTrail } from './audit/audit-trail';
export { CredentialsRepository } from './credentials.repository';
export { covers, EVERYWHERE, jurisdictionOf, narrowDivision } from './jurisdiction';
export type { Jurisdiction } from './jurisdiction';
export { applyFieldPolicy, maskAddress, maskIdNumber, maskPhone } from './masking';
export type { AccessContext, Principal } from './principal';
export { HubSecrets } from './secrets';
