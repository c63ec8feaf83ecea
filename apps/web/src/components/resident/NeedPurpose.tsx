import { Alert, Button, Space } from 'antd';
import { useSession } from '../../session';

/** Purposes a page can offer in one click, by code (rules/access/purposes.json). */
export const PURPOSE_LABELS: Record<string, string> = {
  'data-verification': '数据核查',
  'grid-visit': '网格走访',
  'resident-request': '居民申请查询',
};

/**
 * Personal data needs a purpose: ask for one instead of calling the API without it, offering
 * the likely ones in one click (the header's picker has them all).
 */
export function NeedPurpose({ suggest }: { suggest: string[] }) {
  const { setPurpose } = useSession();
  return (
    <Alert
      type="info"
      showIcon
      data-testid="need-purpose"
      title="请先选择查询用途"
      description={
        <Space orientation="vertical">
          <span>
            查询居民信息须说明用途：请在页面顶部的“用途”中选择本次工作的用途，系统会记录每次查询的用途。
          </span>
          <Space wrap>
            {suggest.map((code) => (
              <Button
                key={code}
                onClick={() => setPurpose(code)}
                data-testid={`use-purpose-${code}`}
              >
                用途：{PURPOSE_LABELS[code] ?? code}
              </Button>
            ))}
          </Space>
        </Space>
      }
    />
  );
}

/** A grid worker visits; everyone else looking a resident up checks data or answers a request. */
export const suggestedPurposes = (role: string | null | undefined) =>
  role === 'grid-worker'
    ? ['grid-visit', 'data-verification']
    : ['data-verification', 'resident-request'];
