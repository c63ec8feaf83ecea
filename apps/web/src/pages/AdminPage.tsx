import { Result, Spin, Tabs, Typography } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { ClientsTab } from '../components/admin/ClientsTab';
import { UsersTab } from '../components/admin/UsersTab';
import { useSession } from '../session';

/** 系统管理: staff users and the department and subscriber clients that call the hub. */
export function AdminPage() {
  const { me, can } = useSession();
  const [params, setParams] = useSearchParams();
  if (!me) return <Spin />;
  const items = [
    can('users:manage') && { key: 'users', label: '用户', children: <UsersTab /> },
    can('clients:manage') && { key: 'clients', label: '部门客户端', children: <ClientsTab /> },
  ].filter((item) => !!item);
  if (items.length === 0)
    return <Result status="403" title="无权限" subTitle="您的角色不能管理用户和客户端。" />;
  const tab = params.get('tab');
  return (
    <>
      <Typography.Title level={3}>系统管理</Typography.Title>
      <Tabs
        activeKey={items.some((i) => i.key === tab) ? tab! : items[0].key}
        onChange={(key) => setParams({ tab: key })}
        items={items}
      />
    </>
  );
}
