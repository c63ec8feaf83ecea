import { Inject, Injectable } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@hub/config';
import { isRole } from './access-rules';
import { AccessPolicy } from './access-policy';
import { CredentialsRepository } from './credentials.repository';
import type { Principal } from './principal';
import { sameSecret, sha256Hex } from './secrets';
import { TokenService } from './token-service';

const DIVISION = /^(\d{6}|\d{9}|\d{12})$/;

/**
 * Turns a bearer credential into a principal, or undefined when it proves nothing: the
 * bootstrap admin token, a client's API key (`hub_…`), a staff token of the hub's own, or a
 * token of the configured identity provider (role and division from its claims).
 */
@Injectable()
export class Authenticator {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly policy: AccessPolicy,
    private readonly credentials: CredentialsRepository,
    private readonly tokens: TokenService,
  ) {}

  async authenticate(credential: string): Promise<Principal | undefined> {
    const bootstrap = this.config.access.bootstrapAdminToken;
    if (bootstrap && sameSecret(credential, bootstrap))
      return this.policy.staff('bootstrap', 'bootstrap', 'bootstrap-admin', 'district-admin', null);
    if (credential.startsWith('hub_')) {
      const client = await this.credentials.clientByKeyHash(sha256Hex(credential));
      return client && this.policy.client(client);
    }
    const token = await this.tokens.verify(credential);
    if (!token) return undefined;
    const subject = String(token.claims.sub);
    if (token.issuer === 'local') {
      // The account as it is now: a deactivated user or a changed role takes effect at once.
      const user = await this.credentials.userById(subject);
      if (!user?.active || !isRole(user.role)) return undefined;
      return this.policy.staff('user', user.id, user.username, user.role, user.divisionCode);
    }
    const oidc = this.config.access.oidc!;
    const role = token.claims[oidc.roleClaim];
    const division = token.claims[oidc.divisionClaim];
    if (!isRole(role) || typeof division !== 'string' || !DIVISION.test(division)) return undefined;
    const name =
      typeof token.claims.preferred_username === 'string'
        ? token.claims.preferred_username
        : subject;
    return this.policy.staff('external', subject, name, role, division);
  }
}
