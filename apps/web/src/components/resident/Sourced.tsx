import { Popover, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { addressText, useDivisionNames } from './divisions';
import { isAddress, type CandidateValue, type Provenance } from './types';
import { attributeName, beijingDate, valueText } from './vocabulary';

/** One source line: 公安 · 记录 50011620220604000001 · 2022年7月24日. */
export function SourceLine({ source, note }: { source: Provenance; note?: ReactNode }) {
  const date = beijingDate(source.observedAt);
  return (
    <span>
      <Typography.Text strong>{source.department}</Typography.Text>
      {' · 记录 '}
      <Typography.Text code>{source.sourceRecordId}</Typography.Text>
      {date && ` · ${date}`}
      {note}
    </span>
  );
}

/** A source of a value: its record, whether the value passed its check, how it wrote it. */
type Source = Provenance & {
  valid?: boolean;
  /** The same value less precisely (a birth month beside the date): how this source has it. */
  lessPrecise?: string;
};

interface Alternative {
  key: string;
  text: ReactNode;
  sources: Source[];
}

/** What a source line adds: a value that failed its check, a less precise one. */
const sourceNote = (s: Source) => (
  <>
    {s.lessPrecise && <Typography.Text type="secondary">（记为{s.lessPrecise}）</Typography.Text>}
    {s.valid === false && <Tag color="red">校验未通过</Tag>}
  </>
);

/**
 * A value from the departments' records: a dotted underline says its source shows on hover,
 * on tap (phones) and with Enter (keyboard): department, the department's own record id and
 * date, and the other values other sources give.
 */
export function SourcePopover({
  title,
  sources,
  alternatives = [],
  children,
  testId,
}: {
  title?: string;
  sources: Source[];
  alternatives?: Alternative[];
  children: ReactNode;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  if (sources.length === 0 && alternatives.length === 0) return <>{children}</>;
  const content = (
    <div data-testid="source-popover" style={{ maxWidth: 360 }}>
      <Typography.Text type="secondary">来源</Typography.Text>
      <ul style={{ margin: '4px 0 0', paddingInlineStart: 18 }}>
        {sources.map((s) => (
          <li key={`${s.feed}/${s.sourceRecordId}`}>
            <SourceLine source={s} note={sourceNote(s)} />
          </li>
        ))}
      </ul>
      {alternatives.length > 0 && (
        <>
          <Typography.Text type="warning" style={{ display: 'block', marginTop: 8 }}>
            其他来源的不同值
          </Typography.Text>
          <ul style={{ margin: '4px 0 0', paddingInlineStart: 18 }}>
            {alternatives.map((a) => (
              <li key={a.key}>
                <Typography.Text strong>{a.text}</Typography.Text>
                {a.sources.map((s) => (
                  <div key={`${s.feed}/${s.sourceRecordId}`}>
                    <SourceLine source={s} note={sourceNote(s)} />
                  </div>
                ))}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      setOpen((was) => !was);
    } else if (event.key === 'Escape') setOpen(false);
  };
  return (
    <Popover
      title={title}
      content={content}
      trigger={['hover', 'click']}
      open={open}
      onOpenChange={setOpen}
    >
      <span
        className="sourced"
        role="button"
        tabIndex={0}
        aria-expanded={open}
        aria-label={title ? `${title}：查看来源` : undefined}
        onKeyDown={onKeyDown}
        data-testid={testId}
      >
        {children}
      </span>
    </Popover>
  );
}

/** A value as text: addresses with their township and village, codes by their text. */
export function ValueText({
  attribute,
  value,
  label,
}: {
  attribute: string;
  value: unknown;
  label?: string | null;
}) {
  const divisionCode = isAddress(value) ? value.divisionCode : undefined;
  const division = useDivisionNames(divisionCode);
  if (isAddress(value) || (typeof value === 'string' && /Address$|^address$/.test(attribute)))
    return <>{addressText(value, division)}</>;
  return <>{valueText(attribute, value, label)}</>;
}

/** What makes two stated values the same: an address by its division and standard form. */
export function valueKey(value: unknown): string {
  if (isAddress(value))
    return `${value.divisionCode ?? ''}|${value.standard ?? value.detail ?? ''}`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const time = (at: string | null) => (at ? new Date(at).getTime() : 0);

/**
 * The candidates of an attribute grouped by value: the group of the shown value (the golden one,
 * else the newest valid one) and the others, each with their sources.
 */
export function groupCandidates(candidates: CandidateValue[], golden?: unknown) {
  const groups = new Map<string, CandidateValue[]>();
  for (const c of candidates) {
    if (c.value === null || c.value === undefined || c.value === '') continue;
    const key = valueKey(c.value);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const preferred = [...candidates]
    .filter((c) => c.value !== null && c.value !== undefined && c.value !== '')
    .sort(
      (a, b) => Number(b.valid) - Number(a.valid) || time(b.observedAt) - time(a.observedAt),
    )[0];
  const shownKey =
    golden !== undefined && golden !== null && golden !== ''
      ? valueKey(golden)
      : preferred
        ? valueKey(preferred.value)
        : undefined;
  // A birth month or year beside the full date agrees with it, less precisely: no disagreement.
  const lessPrecise = (key: string) =>
    shownKey !== undefined &&
    key !== shownKey &&
    /^\d{4}(-\d{2})?$/.test(key) &&
    /^\d{4}-\d{2}/.test(shownKey) &&
    shownKey.startsWith(key);
  const shown: (CandidateValue & { lessPrecise?: string })[] = [
    ...(shownKey === undefined ? [] : (groups.get(shownKey) ?? [])),
    ...[...groups.entries()]
      .filter(([key]) => lessPrecise(key))
      .flatMap(([key, group]) => group.map((c) => ({ ...c, lessPrecise: valueText('date', key) }))),
  ];
  const others = [...groups.entries()].filter(([key]) => key !== shownKey && !lessPrecise(key));
  return { shownKey, shown, others, preferred };
}

/**
 * An attribute's value with its sources: the golden value when given (the hub's choice among
 * the sources), else the newest valid one; other values sources give are its alternatives, and
 * a tag says sources disagree.
 */
export function SourcedAttribute({
  attribute,
  candidates = [],
  golden,
  goldenLabel,
  testId,
}: {
  attribute: string;
  candidates?: CandidateValue[];
  golden?: unknown;
  goldenLabel?: string | null;
  testId?: string;
}) {
  const { shown, others, preferred } = groupCandidates(candidates, golden);
  const value = golden ?? preferred?.value;
  if (value === null || value === undefined || value === '')
    return <Typography.Text type="secondary">—</Typography.Text>;
  const label = goldenLabel ?? shown.find((c) => c.label)?.label ?? preferred?.label;
  const alternatives: Alternative[] = others.map(([key, group]) => ({
    key,
    text: <ValueText attribute={attribute} value={group[0].value} label={group[0].label} />,
    sources: group,
  }));
  return (
    <Space size={4} wrap>
      <SourcePopover
        title={attributeName(attribute)}
        sources={shown}
        alternatives={alternatives}
        testId={testId}
      >
        <ValueText attribute={attribute} value={value} label={label} />
      </SourcePopover>
      {alternatives.length > 0 && (
        <Tag color="orange" data-testid="disagree-tag">
          来源不一致
        </Tag>
      )}
    </Space>
  );
}
