import {
  BadRequestException,
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AccessPolicy } from './access-policy';
import { ACCESS_RULE, type AccessRule } from './access-rule.decorator';
import { Authenticator } from './authenticator';
import type { AccessContext } from './principal';

export type GuardedRequest = Request & { access?: AccessContext };

/** The access context the guard put on a request of a guarded route. */
export function accessOf(request: Request): AccessContext {
  const access = (request as GuardedRequest).access;
  if (!access) throw new Error('no access context: the route is not guarded');
  return access;
}

/**
 * The one gate of every HTTP route: a route without an access rule is refused (so a new
 * endpoint is never open by accident), then 401 without a valid credential, 403 without the
 * permission, 400 without a known purpose where personal data is concerned.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly policy: AccessPolicy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) throw new ForbiddenException('this route has no access rule');
    if (rule.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const principal = await this.authenticate(request).catch((error: unknown) => {
      if (error instanceof UnauthorizedException)
        context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer');
      throw error;
    });
    let purpose: string | null = null;
    if (rule.kind === 'permission') {
      if (!principal.permissions.has(rule.permission))
        throw new ForbiddenException(`this needs the permission ${rule.permission}`);
      if (rule.purpose) purpose = this.purposeOf(request);
    }
    request.access = { principal, purpose };
    return true;
  }

  private async authenticate(request: Request) {
    const header = request.headers.authorization;
    const match = header ? /^Bearer ([\x21-\x7e]{1,4096})$/.exec(header) : null;
    if (!match)
      throw new UnauthorizedException('send Authorization: Bearer <API key or access token>');
    const principal = await this.authenticator.authenticate(match[1]);
    if (!principal) throw new UnauthorizedException('the credential is not valid');
    return principal;
  }

  private purposeOf(request: Request): string {
    const purpose = request.headers['x-purpose'];
    if (typeof purpose !== 'string' || purpose === '')
      throw new BadRequestException(
        'personal data needs a purpose: send X-Purpose with a code of GET /v1/purposes',
      );
    if (!this.policy.isPurpose(purpose))
      throw new BadRequestException(
        `unknown purpose; send X-Purpose with a code of GET /v1/purposes`,
      );
    return purpose;
  }
}
