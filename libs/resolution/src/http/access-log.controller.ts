import {
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
  Req,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { accessOf, AccessPolicy, AuditRepository, PersonalData } from '@hub/access';
import { AccessLogDto, AccessLogQueryDto } from './access-log.dto';
import { PersonReadRepository } from './person-read.repository';

/**
 * Who looked at a resident (the Estonian "data tracker"): every audited read or change that
 * named them, with who, when, under which role and for what purpose.
 */
@ApiTags('persons')
@Controller('persons')
export class AccessLogController {
  constructor(
    private readonly audit: AuditRepository,
    private readonly policy: AccessPolicy,
    private readonly persons: PersonReadRepository,
  ) {}

  @Get(':id/access-log')
  @PersonalData('persons:access-log', { action: 'read', subjects: (_b, r) => [r.params.id] })
  @ApiOperation({ summary: 'Who read or changed this resident’s data, when and for what purpose' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: AccessLogDto })
  async accessLog(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: AccessLogQueryDto,
    @Req() request: Request,
  ) {
    if (!(await this.persons.summary(id, accessOf(request).principal.jurisdiction)))
      throw new NotFoundException(`no person ${id}`);
    const rows = await this.audit.forSubject(id, query.limit ?? 100, query.before);
    const labels = new Map(this.policy.purposes.map((p) => [p.code, p.label]));
    return {
      personId: id,
      entries: rows.map((r) => ({
        id: r.id,
        at: r.at,
        actor: r.actor,
        actorKind: r.actorKind,
        role: r.role,
        endpoint: r.endpoint,
        purpose: r.purpose,
        purposeLabel: r.purpose ? (labels.get(r.purpose) ?? null) : null,
        fieldsUnmasked: r.fieldsUnmasked,
      })),
    };
  }
}
