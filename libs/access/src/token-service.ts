import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { HUB_CONFIG, type HubConfig } from '@hub/config';
import { HubSecrets } from './secrets';

/** `iss` and `aud` of the hub's own tokens. */
export const HUB_ISSUER = 'grassroots-hub';
const LOCAL_ALGORITHM = 'HS256';
/** What an identity provider may sign with; never `none`, never a symmetric key. */
const EXTERNAL_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];

export interface VerifiedToken {
  issuer: 'local' | 'external';
  claims: JWTPayload & Record<string, unknown>;
}

/**
 * Signs the hub's short-lived staff tokens (HS256 under a key derived from HUB_SECRETS_KEY, so
 * every replica verifies what any replica issued) and verifies them and, when configured, the
 * tokens of a city's identity provider against its JWKS. Which verifier applies is chosen by the
 * token's `iss`; the signature, algorithm, audience and expiry are then checked by jose.
 */
@Injectable()
export class TokenService {
  private readonly jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly secrets: HubSecrets,
  ) {
    const oidc = config.access.oidc;
    if (oidc) this.jwks = createRemoteJWKSet(new URL(oidc.jwksUrl), { timeoutDuration: 5000 });
  }

  get ttlSeconds(): number {
    return this.config.access.tokenTtlSeconds;
  }

  issue(user: { id: string; username: string; role: string; divisionCode: string }) {
    return new SignJWT({ role: user.role, division: user.divisionCode, name: user.username })
      .setProtectedHeader({ alg: LOCAL_ALGORITHM, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(HUB_ISSUER)
      .setAudience(HUB_ISSUER)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.secrets.tokenSigningKey);
  }

  /** The verified claims, or undefined for any token that does not verify. */
  async verify(token: string): Promise<VerifiedToken | undefined> {
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      return undefined;
    }
    const oidc = this.config.access.oidc;
    try {
      if (issuer === HUB_ISSUER) {
        const { payload } = await jwtVerify(token, this.secrets.tokenSigningKey, {
          issuer: HUB_ISSUER,
          audience: HUB_ISSUER,
          algorithms: [LOCAL_ALGORITHM],
          requiredClaims: ['sub', 'exp'],
        });
        return { issuer: 'local', claims: payload };
      }
      if (oidc && this.jwks && issuer === oidc.issuer) {
        const { payload } = await jwtVerify(token, this.jwks, {
          issuer: oidc.issuer,
          audience: oidc.audience,
          algorithms: EXTERNAL_ALGORITHMS,
          requiredClaims: ['sub', 'exp'],
        });
        return { issuer: 'external', claims: payload };
      }
    } catch {
      return undefined;
    }
    return undefined;
  }
}
