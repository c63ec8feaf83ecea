import { FileTextOutlined, HistoryOutlined } from '@ant-design/icons';
import { Button, Space } from 'antd';
import type { MouseEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { useSession } from '../../session';
import type { UsableForm } from './useResident';

/** Forms about one person or their household: prefilled for this resident. */
const RESIDENT_SUBJECTS = new Set<UsableForm['subject']>(['person', 'household']);

/**
 * What the user may do for this resident: open each form of theirs that is about a person or a
 * household (prefilled for them), and, for admins, see who looked at the resident.
 */
export function ResidentActions({ personId, forms }: { personId: string; forms: UsableForm[] }) {
  const { can } = useSession();
  const navigate = useNavigate();
  // Real links (a new tab works), followed inside the page.
  const follow = (to: string) => (event: MouseEvent) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    void navigate(to);
  };
  const usable = forms.filter((f) => RESIDENT_SUBJECTS.has(f.subject));
  if (usable.length === 0 && !can('persons:access-log')) return null;
  return (
    <Space wrap data-testid="resident-actions">
      {usable.map((f) => {
        const to = `/forms/${encodeURIComponent(f.id)}?personId=${encodeURIComponent(personId)}`;
        return (
          <Button
            key={f.id}
            type="primary"
            ghost
            icon={<FileTextOutlined />}
            href={to}
            onClick={follow(to)}
            data-testid={`open-form-${f.id}`}
          >
            {f.title}
          </Button>
        );
      })}
      {can('persons:access-log') && (
        <Button
          icon={<HistoryOutlined />}
          href={`/residents/${personId}/access-log`}
          onClick={follow(`/residents/${personId}/access-log`)}
          data-testid="open-access-log"
        >
          访问记录
        </Button>
      )}
    </Space>
  );
}
