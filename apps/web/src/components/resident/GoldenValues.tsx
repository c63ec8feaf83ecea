import { Descriptions, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { todayInBeijing } from '../../format';
import { useDivisionNames } from './divisions';
import { SourcedAttribute, SourcePopover } from './Sourced';
import type { PersonDetail } from './types';
import { ageOf, attributeName } from './vocabulary';

/** Attributes shown after the golden ones, in this order; others the API gives come last. */
const MORE = [
  'formerName',
  'residentType',
  'hukouAddress',
  'residenceAddress',
  'householdNumber',
  'relationToHead',
  'householdHeadName',
  'gridCode',
  'residencePermitNumber',
  'disabilityLevel',
  'tags',
  'householdMonthlyIncome',
  'bankAccount',
];

/** Shown elsewhere: the golden ones, and a relation to an applicant (per case: 家庭). */
const SHOWN_ELSEWHERE = new Set([
  'name',
  'idNumber',
  'gender',
  'birthDate',
  'ethnicity',
  'phone',
  'status',
  'relationToApplicant',
]);

/**
 * A resident's values: the hub's choice (golden) for identity, phone and division, and what the
 * departments state for the rest, each with its sources on hover or tap and the other values
 * sources give.
 */
export function GoldenValues({ person }: { person: PersonDetail }) {
  const c = person.candidates;
  const age = ageOf(person.birthDate, todayInBeijing());
  const golden = (
    attribute: 'name' | 'idNumber' | 'gender' | 'birthDate' | 'ethnicity' | 'phone' | 'status',
    label?: string,
    suffix?: string,
  ): NonNullable<DescriptionsProps['items']>[number] => ({
    key: attribute,
    label: attributeName(attribute),
    children: (
      <>
        <SourcedAttribute
          attribute={attribute}
          candidates={c[attribute]}
          golden={person[attribute] ?? undefined}
          goldenLabel={label}
          testId={`value-${attribute}`}
        />
        {suffix}
      </>
    ),
  });
  const rest = [
    ...MORE.filter((a) => c[a]?.length),
    ...Object.keys(c)
      .filter((a) => !MORE.includes(a) && !SHOWN_ELSEWHERE.has(a))
      .sort(),
  ];
  const items: DescriptionsProps['items'] = [
    golden('name'),
    golden('idNumber'),
    golden('gender', person.labels.gender),
    golden('birthDate', undefined, age !== null ? `（${age}岁）` : undefined),
    golden('ethnicity', person.labels.ethnicity),
    golden('phone'),
    golden('status', person.labels.status),
    {
      key: 'division',
      label: attributeName('division'),
      children: <Division person={person} />,
    },
    ...rest.map((attribute) => ({
      key: attribute,
      label: attributeName(attribute),
      children: (
        <SourcedAttribute
          attribute={attribute}
          candidates={c[attribute]}
          testId={`value-${attribute}`}
        />
      ),
    })),
  ];
  return (
    <Descriptions
      bordered
      size="small"
      column={{ xs: 1, sm: 1, md: 2 }}
      items={items}
      styles={{ label: { width: 120, whiteSpace: 'nowrap' } }}
      data-testid="golden-values"
    />
  );
}

/** The village or community the hub places the resident in, with the records that say so. */
function Division({ person }: { person: PersonDetail }) {
  const names = useDivisionNames(person.divisionCode);
  if (!person.divisionCode) return <Typography.Text type="secondary">—</Typography.Text>;
  const text = names
    ? `${names.parent ?? ''}${names.name}`
    : (person.labels.division ?? person.divisionCode);
  const sources = person.relations.filter(
    (r) =>
      (r.type === 'lives_in' || r.type === 'registered_in') && r.placeCode === person.divisionCode,
  );
  return (
    <SourcePopover title={attributeName('division')} sources={sources} testId="value-division">
      {text}
    </SourcePopover>
  );
}
