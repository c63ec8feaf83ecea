import { Body, Controller, Get, HttpCode, Post, Req, UnauthorizedException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import { IsString, Length } from 'class-validator';
import type { Request } from 'express';
import { accessOf } from '../access.guard';
import { AccessPolicy } from '../access-policy';
import { Authenticated, Public } from '../access-rule.decorator';
import { CredentialsRepository } from '../credentials.repository';
import { UNKNOWN_USER_HASH, verifyPassword } from '../password';
import { TokenService } from '../token-service';

export class LoginDto {
  @ApiProperty({ example: 'demo-community' })
  @IsString()
  @Length(1, 64)
  username!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @Length(1, 256)
  password!: string;
}

export class TokenDto {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Seconds until the token expires; log in again or refresh before' })
  expiresIn!: number;
}

export class MeDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['user', 'client', 'bootstrap', 'external'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) role!: string | null;
  @ApiProperty({ nullable: true, type: String }) roleLabel!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'null: every division' })
  divisionCode!: string | null;
  @ApiProperty({ type: [String] }) permissions!: string[];
  @ApiProperty({ type: [String] }) feeds!: string[];
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly tokens: TokenService,
    private readonly policy: AccessPolicy,
  ) {}

  @Post('token')
  @Public()
  @HttpCode(200)
  // Guessing passwords: 10 tries a minute per address, whatever the client limit.
  @Throttle({ default: { limit: 10, ttl: 60_000 } })
  @ApiOperation({
    summary:
      'Log in as a staff user: a short-lived bearer token (log in again, or refresh, before it expires)',
  })
  @ApiOkResponse({ type: TokenDto })
  async token(@Body() body: LoginDto): Promise<TokenDto> {
    const user = await this.credentials.userByName(body.username);
    // A wrong username costs the same scrypt as a wrong password: no telling which it was.
    const valid = await verifyPassword(body.password, user?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!user || !valid || !user.active)
      throw new UnauthorizedException('wrong username or password');
    return this.issue(user);
  }

  @Post('refresh')
  @Authenticated()
  @HttpCode(200)
  @ApiOperation({ summary: 'A new token for the staff user of a valid token' })
  @ApiOkResponse({ type: TokenDto })
  async refresh(@Req() request: Request): Promise<TokenDto> {
    const { principal } = accessOf(request);
    const user =
      principal.kind === 'user' ? await this.credentials.userById(principal.id) : undefined;
    if (!user?.active)
      throw new UnauthorizedException('only staff tokens of the hub are refreshed');
    return this.issue(user);
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'Who the credential is: role, jurisdiction, permissions' })
  @ApiOkResponse({ type: MeDto })
  me(@Req() request: Request): MeDto {
    const { principal } = accessOf(request);
    return {
      id: principal.id,
      name: principal.name,
      kind: principal.kind,
      role: principal.role,
      roleLabel: principal.role ? this.policy.rules.roles[principal.role].label : null,
      divisionCode: principal.divisionCode,
      permissions: [...principal.permissions].sort(),
      feeds: [...principal.feeds],
    };
  }

  private async issue(user: {
    id: string;
    username: string;
    role: string;
    divisionCode: string;
  }): Promise<TokenDto> {
    return {
      accessToken: await this.tokens.issue(user),
      tokenType: 'Bearer',
      expiresIn: this.tokens.ttlSeconds,
    };
  }
}
