import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '@hub/access';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
} from 'class-validator';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

export class CreateWebhookDto {
  /** Where deliveries are POSTed (http or https). */
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url!: string;

  /** Full CloudEvents types to deliver, e.g. cn.gov.hub.person.created; all when absent. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^[a-z0-9._-]+$/, { each: true })
  types?: string[];

  /** Division code or prefix (2 to 12 digits); all divisions when absent. */
  @IsOptional() @Matches(/^\d{2,12}$/) division?: string;

  /** HMAC key of X-Hub-Signature-256; the hub makes one when absent. */
  @IsOptional() @IsString() @Length(16, 200) secret?: string;

  /**
   * Change-feed cursor to deliver after: "0" replays every event from the beginning. Absent:
   * only changes from now on.
   */
  @IsOptional() @Matches(/^\d{1,19}$/) after?: string;
}

const COLUMNS = `id, url, types, division, position::text AS position, status, failures,
                 next_attempt_at AS "nextAttemptAt", last_error AS "lastError", created_at AS "createdAt"`;

/** A subscription as the API shows it: without its secret, which is shown once at creation. */
interface WebhookView {
  id: string;
  url: string;
  types: string[] | null;
  division: string | null;
  position: string;
  status: string;
  failures: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
}

@ApiTags('changes')
@Permission('webhooks:manage')
@Controller('webhooks')
export class WebhooksController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Post()
  @ApiOperation({
    summary:
      'Subscribe a URL to change events: POSTs of CloudEvents batches signed with HMAC-SHA256 (X-Hub-Signature-256: sha256=…), retried with back-off, dead after repeated failures. The secret is returned only here.',
  })
  async create(@Body() body: CreateWebhookDto): Promise<WebhookView & { secret: string }> {
    const secret = body.secret ?? randomBytes(24).toString('hex');
    const [row] = await this.db.query<WebhookView[]>(
      `INSERT INTO webhook_subscription (url, secret, types, division, position)
       VALUES ($1, $2, $3, $4, coalesce($5::bigint, (SELECT coalesce(max(position), 0) FROM change_event)))
       RETURNING ${COLUMNS}`,
      [body.url, secret, body.types ?? null, body.division ?? null, body.after ?? null],
    );
    return { ...row, secret };
  }

  @Get()
  @ApiOperation({ summary: 'Webhook subscriptions, with their cursor and delivery state.' })
  list(): Promise<WebhookView[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM webhook_subscription ORDER BY created_at, id`);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook subscription.' })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<WebhookView> {
    const [row] = await this.db.query<WebhookView[]>(
      `SELECT ${COLUMNS} FROM webhook_subscription WHERE id = $1`,
      [id],
    );
    if (!row) throw new NotFoundException(`no webhook subscription ${id}`);
    return row;
  }

  @Post(':id/revive')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make a dead subscription active again; delivery resumes from its cursor.',
  })
  async revive(@Param('id', ParseUUIDPipe) id: string): Promise<WebhookView> {
    const [rows] = await this.db.query<[WebhookView[], number]>(
      `UPDATE webhook_subscription
          SET status = 'active', failures = 0, next_attempt_at = now(), updated_at = now()
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    if (rows.length === 0) throw new NotFoundException(`no webhook subscription ${id}`);
    return rows[0];
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unsubscribe.' })
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    const [, count] = await this.db.query<[unknown, number]>(
      `DELETE FROM webhook_subscription WHERE id = $1`,
      [id],
    );
    if (count === 0) throw new NotFoundException(`no webhook subscription ${id}`);
  }
}
