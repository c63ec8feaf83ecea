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
  ApiGoneResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { Request } from 'express';
import { randomBytes } from 'node:crypto';
import { accessOf, HubSecrets, narrowDivision, Permission } from '@hub/access';
import { HUB_CONFIG, type HubConfig } from '@hub/config';
import { CHANGE_TYPES, IsChangeCursor, IsChangeTypes } from './change-filters';
import { ChangeLogRepository } from './change-log.repository';
import { asGone } from './changes-gone';
import { ChangesGoneDto } from './changes.dto';
import { checkWebhookTarget, WebhookTargetError } from './webhook-target';
import { WebhookRepository, type WebhookHealth, type WebhookView } from './webhook.repository';
import { WebhookDto, WebhookHealthDto, WebhookWithSecretDto } from './webhooks.dto';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://brain.example.cn/hub-events',
    maxLength: 2000,
    description:
      'Where deliveries are POSTed: https, to a host that resolves to public addresses only (http and other addresses only for hosts in HUB_WEBHOOK_ALLOWLIST). Redirects are not followed.',
  })
  @IsString()
  @MaxLength(2000)
  url!: string;

  @ApiPropertyOptional({
    type: [String],
    enum: CHANGE_TYPES,
    maxItems: 100,
    example: ['cn.gov.hub.person.created', 'cn.gov.hub.person.updated'],
    description:
      'Full CloudEvents types to deliver (`cn.gov.hub.<entity type>.<kind>`, as in the change feed); all when absent. An unknown type is refused (400, naming the valid ones)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsChangeTypes()
  types?: string[];

  @ApiPropertyOptional({
    example: '500116005',
    pattern: '^\\d{2,12}$',
    description:
      "Division code or prefix (2 to 12 digits) inside the client's jurisdiction; the whole jurisdiction when absent",
  })
  @IsOptional()
  @Matches(/^\d{2,12}$/)
  division?: string;

  @ApiPropertyOptional({
    example: '0',
    pattern: '^\\d{1,19}$',
    description:
      'Change-feed cursor to deliver after ("0": from the beginning, still only the division\'s events), at most 9223372036854775807; a cursor after which events were deleted by retention (0 included, once any were) is refused with 410, as by the change feed. Absent: only changes from now on',
  })
  @IsOptional()
  @IsChangeCursor()
  after?: string;
}

const WEBHOOK_ID = ApiParam({ name: 'id', format: 'uuid' });

/** A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * Webhook subscriptions belong to the subscriber client that registers them: only it lists,
 * reads, revives and deletes them (another client's answers 404), and only it sees their URL
 * and last error. Operators see every subscription's delivery state, without URL or error.
 */
@ApiTags('changes')
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly changeLog: ChangeLogRepository,
    private readonly secrets: HubSecrets,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  @Post()
  @Permission('webhooks:manage')
  @ApiOperation({
    summary:
      "Subscribe a URL (https, public addresses) to change events of the client's jurisdiction: POSTs of CloudEvents batches signed by Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature), retried with back-off, dead after repeated failures. The hub makes the secret (whsec_…) and returns it only here.",
  })
  @ApiCreatedResponse({ type: WebhookWithSecretDto })
  @ApiGoneResponse({
    type: ChangesGoneDto,
    description:
      '`after` is behind the retention (HUB_CHANGE_RETENTION_DAYS): events after it were deleted. The body names the earliest position kept and `next`',
  })
  async create(
    @Body() body: CreateWebhookDto,
    @Req() request: Request,
  ): Promise<WebhookView & { secret: string }> {
    const clientId = this.ownerOf(request);
    const { principal } = accessOf(request);
    const division = narrowDivision(principal.jurisdiction, body.division);
    if (division === null)
      throw new ForbiddenException(`division ${body.division} is outside your jurisdiction`);
    const target = await checkWebhookTarget(body.url, this.config.access.webhookAllowlist).catch(
      (error: unknown) => {
        if (error instanceof WebhookTargetError) throw new BadRequestException(error.message);
        throw error;
      },
    );
    // It would start dead, missing events: refused as the change feed refuses the cursor.
    if (body.after !== undefined)
      await this.changeLog.assertRetained(body.after).catch((error: unknown) => {
        throw asGone(error);
      });
    const secret = newWebhookSecret();
    const cap = this.config.access.webhooksPerClient;
    const row = await this.webhooks.create(
      {
        clientId,
        url: target.url.href,
        sealedSecret: this.secrets.encrypt(secret),
        types: body.types ?? null,
        division: division === '' ? null : division,
        after: body.after ?? null,
      },
      cap,
    );
    if (row === null) throw new ForbiddenException('the client is revoked');
    if (row === 'full')
      throw new ConflictException(
        `a client may have at most ${cap} webhook subscriptions (HUB_WEBHOOKS_PER_CLIENT); delete one first`,
      );
    return { ...row, secret };
  }

  @Get()
  @Permission('webhooks:manage')
  @ApiOperation({
    summary: "The client's own webhook subscriptions, with their cursor and delivery state.",
  })
  @ApiOkResponse({ type: [WebhookDto] })
  list(@Req() request: Request): Promise<WebhookView[]> {
    return this.webhooks.list(this.ownerOf(request));
  }

  @Get('health')
  @Permission('webhooks:health')
  @ApiOperation({
    summary:
      'Delivery state of every webhook subscription (owner, status, failures, cursor, next attempt), without URLs or errors.',
  })
  @ApiOkResponse({ type: [WebhookHealthDto] })
  health(): Promise<WebhookHealth[]> {
    return this.webhooks.health();
  }

  @Get(':id')
  @Permission('webhooks:manage')
  @ApiOperation({ summary: "One of the client's webhook subscriptions, with its last error." })
  @WEBHOOK_ID
  @ApiOkResponse({ type: WebhookDto })
  async get(@Param('id', ParseUUIDPipe) id: string, @Req() request: Request): Promise<WebhookView> {
    const row = await this.webhooks.get(this.ownerOf(request), id);
    if (!row) throw new NotFoundException(`no webhook subscription ${id}`);
    return row;
  }

  @Post(':id/revive')
  @HttpCode(200)
  @Permission('webhooks:manage')
  @ApiOperation({
    summary:
      "Make one of the client's dead subscriptions active again; delivery resumes from its cursor, or from the earliest event kept when retention deleted events after it (the answer's lastError then names them).",
  })
  @WEBHOOK_ID
  @ApiOkResponse({ type: WebhookDto })
  async revive(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() request: Request,
  ): Promise<WebhookView> {
    const row = await this.webhooks.revive(this.ownerOf(request), id);
    if (!row) throw new NotFoundException(`no webhook subscription ${id}`);
    return row;
  }

  @Delete(':id')
  @HttpCode(204)
  @Permission('webhooks:manage')
  @ApiOperation({ summary: "Delete one of the client's subscriptions." })
  @WEBHOOK_ID
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@Param('id', ParseUUIDPipe) id: string, @Req() request: Request): Promise<void> {
    if (!(await this.webhooks.remove(this.ownerOf(request), id)))
      throw new NotFoundException(`no webhook subscription ${id}`);
  }

  /** The calling client's id: webhooks belong to subscriber clients (API keys) only. */
  private ownerOf(request: Request): string {
    const { principal } = accessOf(request);
    if (principal.kind !== 'client' || principal.clientId === null)
      throw new ForbiddenException(
        'webhooks belong to subscriber clients: call with a client API key',
      );
    return principal.clientId;
  }
}
