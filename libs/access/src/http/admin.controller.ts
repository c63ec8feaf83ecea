import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import type { Request } from 'express';
import { accessOf } from '../access.guard';
import { AccessPolicy } from '../access-policy';
import { Permission } from '../access-rule.decorator';
import { ROLES, type Role } from '../access-rules';
import { CredentialsRepository } from '../credentials.repository';
import { covers } from '../jurisdiction';
import { hashPassword } from '../password';
import { newApiKey, sha256Hex } from '../secrets';
import { ClientDto, ClientWithKeyDto, DeactivatedUserDto, UserDto } from './admin.dto';

/** The feed names clients may be given (from the feed catalogue, provided by the API module). */
export const KNOWN_FEEDS = Symbol('KNOWN_FEEDS');

const DIVISION = /^(\d{6}|\d{9}|\d{12})$/;

export class CreateClientDto {
  @ApiProperty({ example: '江津区公安局人口系统' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ type: [String], example: ['population'], description: 'Feeds it may push' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  feeds!: string[];

  @ApiPropertyOptional({ type: [String], example: ['changes:read'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  scopes?: string[];

  @ApiPropertyOptional({ example: '500116', description: 'Jurisdiction of what it reads' })
  @IsOptional()
  @Matches(DIVISION)
  divisionCode?: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'dongmen-clerk' })
  @Matches(/^[a-z0-9][a-z0-9._-]{2,63}$/, {
    message: 'username: 3 to 64 lower-case letters, digits, ".", "_" or "-"',
  })
  username!: string;

  @ApiProperty({ minLength: 10 })
  @IsString()
  @Length(10, 256)
  password!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: (typeof ROLES)[number];

  @ApiProperty({ example: '500116005001' })
  @Matches(DIVISION)
  divisionCode!: string;

  @ApiPropertyOptional({ example: '李晓红' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  displayName?: string;
}

const UUID_ID = ApiParam({ name: 'id', format: 'uuid' });

const clientAudit = (body: { id?: string }) => [body?.id];

/** Department and subscriber clients, staff users: who may call the hub. */
@ApiTags('admin')
@Controller('admin')
export class AdminController {
  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly policy: AccessPolicy,
    @Inject(KNOWN_FEEDS) private readonly knownFeeds: string[],
  ) {}

  @Post('clients')
  @Permission('clients:manage', { action: 'write', subjects: clientAudit })
  @ApiOperation({ summary: 'Create a client; its API key is in the answer, and only there' })
  @ApiCreatedResponse({ type: ClientWithKeyDto })
  async createClient(@Body() body: CreateClientDto, @Req() request: Request) {
    const unknownFeeds = body.feeds.filter((f) => !this.knownFeeds.includes(f));
    if (unknownFeeds.length > 0)
      throw new BadRequestException(
        `unknown feeds ${unknownFeeds.join(', ')}; known: ${this.knownFeeds.join(', ')}`,
      );
    const scopes = body.scopes ?? [];
    const unknownScopes = scopes.filter((s) => !(s in this.policy.rules.clients.scopes));
    if (unknownScopes.length > 0)
      throw new BadRequestException(
        `unknown scopes ${unknownScopes.join(', ')}; known: ${Object.keys(this.policy.rules.clients.scopes).join(', ')}`,
      );
    const { principal } = accessOf(request);
    const divisionCode = await this.divisionInside(
      request,
      body.divisionCode ?? principal.divisionCode,
    );
    const token = newApiKey();
    const client = await this.credentials.createClient({
      name: body.name,
      feeds: [...new Set(body.feeds)],
      scopes: [...new Set(scopes)],
      divisionCode,
      keyHash: sha256Hex(token),
      createdBy: principal.name,
    });
    if (!client) throw new ConflictException(`a client named ${body.name} exists`);
    return { ...client, token };
  }

  @Get('clients')
  @Permission('clients:manage')
  @ApiOperation({ summary: 'Clients (never their keys)' })
  @ApiOkResponse({ type: [ClientDto] })
  listClients() {
    return this.credentials.listClients();
  }

  @Post('clients/:id/rotate')
  @HttpCode(200)
  @Permission('clients:manage', { action: 'write', subjects: clientAudit })
  @ApiOperation({ summary: 'A new API key for the client; the old one stops working at once' })
  @UUID_ID
  @ApiOkResponse({ type: ClientWithKeyDto })
  async rotateClient(@Param('id', ParseUUIDPipe) id: string) {
    const token = newApiKey();
    const client = await this.credentials.rotateClientKey(id, sha256Hex(token));
    if (!client) throw new NotFoundException(`no active client ${id}`);
    return { ...client, token };
  }

  @Delete('clients/:id')
  @Permission('clients:manage', { action: 'write', subjects: clientAudit })
  @ApiOperation({ summary: 'Revoke the client: its key stops working at once' })
  @UUID_ID
  @ApiOkResponse({ type: ClientDto })
  async revokeClient(@Param('id', ParseUUIDPipe) id: string) {
    const client = await this.credentials.revokeClient(id);
    if (!client) throw new NotFoundException(`no client ${id}`);
    return client;
  }

  @Post('users')
  @Permission('users:manage', {
    action: 'write',
    subjects: (body: { id?: string }) => [body?.id],
    detail: (_body, request) => {
      const dto = request.body as CreateUserDto;
      return { username: dto.username, role: dto.role, divisionCode: dto.divisionCode };
    },
  })
  @ApiOperation({
    summary:
      'Create a staff user with a role over a division (inside the caller’s own jurisdiction)',
  })
  @ApiCreatedResponse({ type: UserDto })
  async createUser(@Body() body: CreateUserDto, @Req() request: Request) {
    const divisionCode = await this.divisionInside(request, body.divisionCode);
    const user = await this.credentials.createUser({
      username: body.username,
      passwordHash: await hashPassword(body.password),
      role: body.role,
      divisionCode: divisionCode!,
      displayName: body.displayName ?? null,
      demo: false,
      createdBy: accessOf(request).principal.name,
    });
    if (!user) throw new ConflictException(`the username ${body.username} is taken`);
    return this.withRoleLabel(user);
  }

  @Get('users')
  @Permission('users:manage')
  @ApiOperation({ summary: 'Staff users (never their password hashes), with their roles’ names' })
  @ApiOkResponse({ type: [UserDto] })
  async listUsers() {
    return (await this.credentials.listUsers()).map((user) => this.withRoleLabel(user));
  }

  @Post('users/:id/deactivate')
  @HttpCode(200)
  @Permission('users:manage', { action: 'write', subjects: (_b, r) => [r.params.id] })
  @ApiOperation({ summary: 'Deactivate a user: their tokens stop working at once' })
  @UUID_ID
  @ApiOkResponse({ type: DeactivatedUserDto })
  async deactivateUser(@Param('id', ParseUUIDPipe) id: string) {
    if (!(await this.credentials.setUserActive(id, false)))
      throw new NotFoundException(`no user ${id}`);
    return { id, active: false };
  }

  /** The role's name as staff read it (区级管理员), from rules/access/roles.json. */
  private withRoleLabel<T extends { role: string }>(user: T): T & { roleLabel: string } {
    return { ...user, roleLabel: this.policy.rules.roles[user.role as Role]?.label ?? user.role };
  }

  /**
   * A division that exists and lies inside the caller's own jurisdiction: an admin of one
   * township cannot create an account for the whole district (no escalation by delegation).
   */
  private async divisionInside(request: Request, code: string | null): Promise<string | null> {
    const { principal } = accessOf(request);
    if (code === null) {
      if (principal.divisionCode !== null)
        throw new ForbiddenException(
          'a client for every division needs an admin of every division',
        );
      return null;
    }
    if (!covers(principal.jurisdiction, code))
      throw new ForbiddenException(`division ${code} is outside your jurisdiction`);
    if (!(await this.credentials.divisionExists(code)))
      throw new BadRequestException(`no division ${code}`);
    return code;
  }
}
