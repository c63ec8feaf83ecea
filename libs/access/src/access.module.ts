import {
  DynamicModule,
  Global,
  Module,
  type FactoryProvider,
  type ModuleMetadata,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { HUB_CONFIG, type HubConfig } from '@hub/config';
import { AccessGuard } from './access.guard';
import { ACCESS_RULES, AccessPolicy } from './access-policy';
import { loadAccessRules } from './access-rules';
import { AccountsBootstrap } from './accounts-bootstrap';
import { Authenticator } from './authenticator';
import { AccessInterceptor } from './audit/access.interceptor';
import { AuditRepository } from './audit/audit.repository';
import { AuditTrail } from './audit/audit-trail';
import { ClientThrottlerGuard } from './client-throttler.guard';
import { CredentialsRepository } from './credentials.repository';
import { AdminController, KNOWN_FEEDS } from './http/admin.controller';
import { AuthController } from './http/auth.controller';
import { PurposesController } from './http/purposes.controller';
import { HubSecrets } from './secrets';
import { TokenService } from './token-service';

export interface AccessModuleOptions {
  /** Modules the knownFeeds factory needs. */
  imports?: ModuleMetadata['imports'];
  /** The feeds a client may be allowed to push. */
  knownFeeds: Omit<FactoryProvider<string[]>, 'provide'>;
}

/**
 * Who may see what: credentials (API keys, staff logins, an identity provider's tokens), the
 * guard every route passes, field masking, the audit trail, rate limits, and the admin API for
 * clients and users. Global: every controller's routes are guarded by it.
 */
@Global()
@Module({})
export class AccessModule {
  static forRoot(options: AccessModuleOptions): DynamicModule {
    return {
      module: AccessModule,
      imports: [
        ...(options.imports ?? []),
        ThrottlerModule.forRootAsync({
          inject: [HUB_CONFIG],
          useFactory: (config: HubConfig) => ({
            throttlers: [{ name: 'default', ttl: 60_000, limit: config.access.rateLimitPerMinute }],
          }),
        }),
      ],
      controllers: [AuthController, PurposesController, AdminController],
      providers: [
        { provide: ACCESS_RULES, useFactory: () => loadAccessRules() },
        { provide: KNOWN_FEEDS, ...options.knownFeeds },
        {
          provide: HubSecrets,
          inject: [HUB_CONFIG],
          useFactory: (config: HubConfig) =>
            HubSecrets.load(config.access.secretsKey, config.dataDir),
        },
        AccessPolicy,
        TokenService,
        CredentialsRepository,
        Authenticator,
        AuditRepository,
        AuditTrail,
        AccountsBootstrap,
        // Guards run in this order: who is asking first, then how often they ask.
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: ClientThrottlerGuard },
        { provide: APP_INTERCEPTOR, useClass: AccessInterceptor },
      ],
      exports: [AccessPolicy, AuditRepository, AuditTrail, HubSecrets, AccountsBootstrap],
    };
  }
}
