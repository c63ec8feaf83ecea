import { Select } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { useSession } from '../session';

interface Purpose {
  code: string;
  label: string;
}

/**
 * Why the user reads personal data now (PIPL): every request carries it as X-Purpose, and the
 * audit log records it. Chosen once for the task at hand, remembered for the session; forms
 * bring their own purpose.
 */
export function PurposePicker() {
  const { purpose, setPurpose } = useSession();
  const [purposes, setPurposes] = useState<Purpose[]>([]);
  useEffect(() => {
    void api.GET('/v1/purposes').then(({ data }) => setPurposes(data?.purposes ?? []));
  }, []);
  return (
    <Select
      aria-label="用途"
      data-testid="purpose"
      placeholder="请选择查询用途"
      style={{ minWidth: 160 }}
      value={purpose ?? undefined}
      onChange={(value: string) => setPurpose(value)}
      options={purposes.map((p) => ({ value: p.code, label: `用途：${p.label}` }))}
      status={purpose ? undefined : 'warning'}
    />
  );
}
