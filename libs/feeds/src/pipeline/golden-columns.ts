import type { GoldenColumns } from '@hub/changes';
import type { EntityType } from '@hub/model';
import type { MappedMention } from '../mapping/mapped-record';

function divisionOf(value: unknown): string | null {
  const code =
    typeof value === 'string'
      ? value
      : (value as { divisionCode?: unknown } | undefined)?.divisionCode;
  return typeof code === 'string' && /^(\d{6}|\d{9}|\d{12})$/.test(code) ? code : null;
}

/**
 * The entity-table columns a mention's own values fill in: an event or object is what its one
 * mention last said; an organization gathers what each of its keyed mentions says; a keyed
 * place's columns come from its key. Persons come from survivorship over all their mentions
 * (libs/resolution).
 */
export function goldenColumns(
  mention: Pick<MappedMention, 'entityType' | 'type' | 'values'>,
): GoldenColumns {
  const valid = (attribute: string): unknown =>
    mention.values.find((v) => v.attribute === attribute && v.valid)?.value;
  const str = (attribute: string) => {
    const v = valid(attribute);
    return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
  };
  const byType: Record<EntityType, () => GoldenColumns> = {
    person: () => ({
      name: str('name'),
      id_number: str('idNumber'),
      gender: str('gender'),
      birth_date: str('birthDate'),
      status: str('status') ?? 'normal',
    }),
    event: () => ({
      event_type: mention.type ?? 'event',
      status: str('status'),
      // Only a full date is an instant; a partial one stays in the attribute values.
      occurred_at: str('startDate')?.length === 10 ? str('startDate') : null,
      division_code: divisionOf(valid('division') ?? valid('address')),
    }),
    object: () => ({
      object_type: mention.type ?? 'object',
      name: str('name') ?? str('houseCode'),
    }),
    organization: () => ({
      uscc: str('uscc'),
      name: str('name'),
      org_type: str('orgType'),
      division_code: divisionOf(valid('address')),
    }),
    // A place with no division to key it in: what its one mention wrote.
    place: () => {
      const address = valid('address') as { detail?: string; standard?: string } | undefined;
      return {
        level: 'address',
        name: address?.standard ?? address?.detail ?? '',
        division_code: divisionOf(address),
        address: null,
      };
    },
  };
  return byType[mention.entityType]();
}
