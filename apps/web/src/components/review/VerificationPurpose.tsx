import { Alert, Button } from 'antd';
import type { ReactNode } from 'react';
import { useSession } from '../../session';

/** The purpose of reviewing and splitting persons, as rules/access/purposes.json names it. */
export const VERIFICATION_PURPOSE = 'data-verification';

/**
 * Review decisions and splits read and change personal data for one purpose, 数据核查: the
 * audit log must record the user's real purpose, so the page asks for it rather than sending
 * it behind the user's back.
 */
export function VerificationPurpose({ children }: { children: ReactNode }) {
  const { purpose, setPurpose } = useSession();
  if (purpose === VERIFICATION_PURPOSE) return <>{children}</>;
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="purpose-needed"
      title="请将用途选为「数据核查」"
      description={
        purpose
          ? '审核合并与拆分人员属于数据核查，审计日志会记录您的真实用途。当前选择的用途不是数据核查，请在页面顶部改选“数据核查”。'
          : '查看和审核居民数据前，请先在页面顶部选择用途“数据核查”，审计日志会记录您的用途。'
      }
      action={<Button onClick={() => setPurpose(VERIFICATION_PURPOSE)}>改为数据核查</Button>}
    />
  );
}
