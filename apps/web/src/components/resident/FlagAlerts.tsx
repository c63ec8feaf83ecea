import { Alert, Space } from 'antd';
import { conflictsOf, type PersonDetail } from './types';
import { attributeName } from './vocabulary';

/**
 * What must stop a clerk from trusting the page blindly, at its top in red or orange: a deceased
 * (已死亡), moved-out (已迁出) or missing (下落不明) resident, a merge of their identity waiting
 * for a reviewer (待审核), departments disagreeing on who they are (数据冲突).
 */
export function FlagAlerts({
  person,
  openReviewTasks,
}: {
  person: PersonDetail;
  openReviewTasks: number;
}) {
  const statusSources = [
    ...new Set(
      (person.candidates.status ?? [])
        .filter((c) => (c.value as unknown) === person.status)
        .map((c) => c.department),
    ),
  ].join('、');
  const by = statusSources ? `（${statusSources}登记）` : '';
  const conflicts = conflictsOf(person);
  const alerts = [
    person.status === 'deceased' && (
      <Alert
        key="deceased"
        type="error"
        showIcon
        data-testid="flag-deceased"
        title={`已死亡${by}`}
        description="该居民已登记死亡：请勿为其办理新的待遇或服务，在享受的救助、津贴应核实停发。"
      />
    ),
    person.status === 'moved_out' && (
      <Alert
        key="moved_out"
        type="warning"
        showIcon
        data-testid="flag-moved_out"
        title={`已迁出${by}`}
        description="该居民户籍已迁出：办理业务前请核实其现居住地和户籍。"
      />
    ),
    person.status === 'missing' && (
      <Alert
        key="missing"
        type="warning"
        showIcon
        data-testid="flag-missing"
        title={`下落不明${by}`}
        description="该居民登记为下落不明：办理业务前请核实。"
      />
    ),
    openReviewTasks > 0 && (
      <Alert
        key="pending_review"
        type="warning"
        showIcon
        data-testid="flag-pending_review"
        title="待审核"
        description={`该居民的身份有 ${openReviewTasks} 项合并待审核员确认：本页的部分记录可能属于另一人（或另一人的记录可能属于本人）。`}
      />
    ),
    conflicts.length > 0 && (
      <Alert
        key="conflict"
        type="error"
        showIcon
        data-testid="flag-conflict"
        title="数据冲突"
        description={`各部门登记的${conflicts.map((c) => attributeName(c.attribute)).join('、')}不一致：请核对下方标有“来源不一致”的项目及其来源。`}
      />
    ),
  ].filter(Boolean);
  if (alerts.length === 0) return null;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="resident-flags">
      {alerts}
    </Space>
  );
}
