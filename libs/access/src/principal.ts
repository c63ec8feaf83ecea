import type { FieldPolicy, Role } from './access-rules';
import type { Jurisdiction } from './jurisdiction';

/** Who is asking: what every guarded request carries once its credential is checked. */
export interface Principal {
  /** user: local staff login; external: a token of the configured identity provider. */
  kind: 'user' | 'client' | 'bootstrap' | 'external';
  /** User id, client id, `bootstrap`, or the external token's subject. */
  id: string;
  /** Username, client name: what the audit trail and the access log show. */
  name: string;
  role: Role | null;
  clientId: string | null;
  /** Feeds a department client may push. */
  feeds: readonly string[];
  permissions: ReadonlySet<string>;
  jurisdiction: Jurisdiction;
  /** The division code the jurisdiction was given as (null: the whole hub). */
  divisionCode: string | null;
  fieldPolicy: FieldPolicy;
}

/** What the guard leaves on the request for controllers, the interceptor and the audit. */
export interface AccessContext {
  principal: Principal;
  /** The X-Purpose of a personal-data request. */
  purpose: string | null;
}
