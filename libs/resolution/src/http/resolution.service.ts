import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { retriedTransaction } from '@hub/persistence';
import { mentionKeyOf } from '@hub/model';
import { PersonResolver } from '../person-resolver';
import { writePersons } from '../person-writes';
import { resolvePersonMentions } from '../resolve-person-mentions';

export interface MentionRef {
  feed: string;
  sourceRecordId: string;
  pointer: string;
}

interface ReviewCandidateRow {
  entityId: string | null;
  matched: MentionRef;
}

const keyOf = (m: MentionRef) => mentionKeyOf(m.feed, m.sourceRecordId, m.pointer);

/**
 * Operators' decisions: a review task decided, a person split. Each is stored as decisions on
 * pairs of mentions (they win over the matcher from then on) and the blocks concerned are
 * resolved again at once, in the same transaction, with their change events.
 */
@Injectable()
export class ResolutionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly resolver: PersonResolver,
  ) {}

  decide(
    taskId: string,
    verdict: 'same' | 'different',
    personId: string | undefined,
    actor: string,
  ) {
    return retriedTransaction(this.db, async (manager) => {
      const [task] = await manager.query<
        (MentionRef & { status: string; candidates: ReviewCandidateRow[] })[]
      >(
        `SELECT feed, source_record_id AS "sourceRecordId", pointer, status, candidates
           FROM review_task WHERE id = $1 FOR UPDATE`,
        [taskId],
      );
      if (!task) throw new NotFoundException(`no review task ${taskId}`);
      if (task.status !== 'open')
        throw new ConflictException(`review task ${taskId} is ${task.status}, not open`);
      const chosen = personId
        ? task.candidates.filter((c) => c.entityId === personId)
        : task.candidates;
      if (personId && chosen.length === 0)
        throw new BadRequestException(`person ${personId} is not a candidate of this task`);
      if (verdict === 'same' && chosen.length !== 1)
        throw new BadRequestException('a "same" decision names the candidate person (personId)');
      await this.storeDecisions(
        manager,
        chosen.map((c) => ({ a: task, b: c.matched, verdict })),
        { reviewTask: taskId, by: actor },
      );
      await manager.query(
        `UPDATE review_task SET status = 'decided', decided_at = now(),
                decision = jsonb_build_object('verdict', $2::text, 'personId', $3::text, 'by', $4::text)
          WHERE id = $1`,
        [taskId, verdict, personId ?? null, actor],
      );
      await this.reresolve(manager, [task, ...chosen.map((c) => c.matched)]);
      return { reviewTask: taskId, verdict, personId: await this.entityOf(manager, task) };
    });
  }

  split(personId: string, split: MentionRef[], actor: string) {
    return retriedTransaction(this.db, async (manager) => {
      const current = await manager.query<(MentionRef & { idKey: string | null })[]>(
        `SELECT feed, source_record_id AS "sourceRecordId", pointer, id_key AS "idKey"
           FROM mention WHERE entity_type = 'person' AND entity_id = $1 AND active`,
        [personId],
      );
      if (current.length === 0) throw new NotFoundException(`no person ${personId} with mentions`);
      const listed = new Set(split.map(keyOf));
      const known = new Set(current.map(keyOf));
      const stray = split.filter((m) => !known.has(keyOf(m)));
      if (stray.length > 0)
        throw new BadRequestException(
          `not mentions of person ${personId}: ${stray.map((m) => `${m.feed}/${m.sourceRecordId}${m.pointer}`).join(', ')}`,
        );
      const going = current.filter((m) => listed.has(keyOf(m)));
      const staying = current.filter((m) => !listed.has(keyOf(m)));
      if (staying.length === 0)
        throw new BadRequestException('a split must leave at least one mention on the person');
      const shared = going.find((g) => g.idKey && staying.some((s) => s.idKey === g.idKey));
      if (shared)
        throw new ConflictException(
          `mentions with the same valid ID number ${shared.idKey} are one person and cannot be split`,
        );
      await this.storeDecisions(
        manager,
        [
          ...going.flatMap((g) =>
            staying.map((s) => ({ a: g, b: s, verdict: 'different' as const })),
          ),
          ...going.slice(1).map((g) => ({ a: going[0], b: g, verdict: 'same' as const })),
        ],
        { split: personId, by: actor },
      );
      await this.reresolve(manager, current);
      return {
        personId,
        splitInto: [...new Set(await Promise.all(going.map((g) => this.entityOf(manager, g))))],
      };
    });
  }

  private async storeDecisions(
    manager: EntityManager,
    pairs: { a: MentionRef; b: MentionRef; verdict: 'same' | 'different' }[],
    origin: Record<string, unknown>,
  ) {
    if (pairs.length === 0) return;
    await manager.query(
      `INSERT INTO resolution_decision (verdict, feed_a, source_record_id_a, pointer_a, feed_b, source_record_id_b, pointer_b, origin)
       SELECT v, fa, ia, pa, fb, ib, pb, $8::jsonb
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) u(v, fa, ia, pa, fb, ib, pb)`,
      [
        pairs.map((p) => p.verdict),
        pairs.map((p) => p.a.feed),
        pairs.map((p) => p.a.sourceRecordId),
        pairs.map((p) => p.a.pointer),
        pairs.map((p) => p.b.feed),
        pairs.map((p) => p.b.sourceRecordId),
        pairs.map((p) => p.b.pointer),
        JSON.stringify(origin),
      ],
    );
  }

  /** Resolves the blocks of these mentions again, as the ingest does (resolvePersonMentions). */
  private async reresolve(manager: EntityManager, mentions: MentionRef[]) {
    const resolution = await resolvePersonMentions(manager, this.resolver, {
      kind: 'stored',
      keys: mentions.map(keyOf),
    });
    await writePersons(manager, resolution);
  }

  private async entityOf(manager: EntityManager, m: MentionRef): Promise<string> {
    const [row] = await manager.query<{ entity_id: string }[]>(
      `SELECT entity_id FROM mention WHERE feed = $1 AND source_record_id = $2 AND pointer = $3`,
      [m.feed, m.sourceRecordId, m.pointer],
    );
    return row.entity_id;
  }
}
