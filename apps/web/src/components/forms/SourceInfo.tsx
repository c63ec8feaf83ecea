import { Popover, Typography } from 'antd';
import type { ReactNode } from 'react';
import { observedDay, readable } from './form-values';
import type { Alternative, Provenance } from './types';
import { useClerk } from './useClerks';

function SourceLines({ provenance }: { provenance: Provenance }) {
  const clerk = useClerk(provenance);
  return (
    <>
      <div>
        来源部门：<strong data-testid="source-department">{provenance.department}</strong>
      </div>
      {provenance.feed === 'township' && (
        <div data-testid="source-clerk">经办人：{clerk ?? '（镇街工作人员）'}</div>
      )}
      <div>记录编号：{provenance.sourceRecordId}</div>
      {provenance.observedAt && <div>采集日期：{observedDay(provenance)}</div>}
    </>
  );
}

/** One line per other value a source gives: 15767946327（民政，2023年2月3日）. */
export function alternativeText(alternative: Alternative): string {
  const { department, observedAt } = alternative.provenance;
  const day = observedAt ? `，${observedDay(alternative.provenance)}` : '';
  return `${readable(alternative.display) || '（空）'}（${department}${day}）`;
}

/**
 * A value with where it came from, on hover, tap or keyboard focus: the department, its own
 * record id and the day it was observed (for 镇街采集, the clerk), and what other sources say.
 */
export function SourceInfo({
  provenance,
  alternatives = [],
  children,
  testId,
}: {
  provenance: Provenance | null;
  alternatives?: Alternative[];
  children: ReactNode;
  testId?: string;
}) {
  const content = (
    <div style={{ maxWidth: 320 }}>
      {provenance ? <SourceLines provenance={provenance} /> : <div>由系统根据已有数据计算</div>}
      {alternatives.length > 0 && (
        <div style={{ marginTop: 8 }}>
          <Typography.Text type="secondary">其他来源：</Typography.Text>
          {alternatives.map((a, i) => (
            <div key={i}>{alternativeText(a)}</div>
          ))}
        </div>
      )}
    </div>
  );
  return (
    <Popover title="数据来源" content={content} trigger={['hover', 'click', 'focus']}>
      <span
        className="sourced"
        tabIndex={0}
        role="button"
        data-testid={testId}
        aria-label={`${typeof children === 'string' ? children : ''}（查看来源）`}
      >
        {children}
      </span>
    </Popover>
  );
}
