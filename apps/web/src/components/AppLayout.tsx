import {
  AuditOutlined,
  FileTextOutlined,
  LogoutOutlined,
  MenuOutlined,
  SearchOutlined,
  SettingOutlined,
  TableOutlined,
} from '@ant-design/icons';
import { Button, Drawer, Grid, Layout, Menu, Space, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useSession } from '../session';
import { PurposePicker } from './PurposePicker';
import { useDivisionName } from './useDivisionName';

/** The frame of every page after login: who you are, the purpose, the sections your role has. */
export function AppLayout() {
  const { me, can, logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const narrow = !screens.md;
  const [drawer, setDrawer] = useState(false);
  const division = useDivisionName(me?.divisionCode);

  const items: MenuProps['items'] = [
    can('persons:search') && { key: '/', icon: <SearchOutlined />, label: '居民查询' },
    can('forms:prefill') && { key: '/forms', icon: <FileTextOutlined />, label: '一表通表单' },
    can('forms:prefill') && { key: '/roster', icon: <TableOutlined />, label: '高龄老人花名册' },
    can('review-tasks:read') && { key: '/review', icon: <AuditOutlined />, label: '数据审核' },
    (can('users:manage') || can('clients:manage')) && {
      key: '/admin',
      icon: <SettingOutlined />,
      label: '系统管理',
    },
  ].filter((item) => !!item);
  const selected = '/' + (location.pathname.split('/')[1] ?? '');
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={[selected === '/residents' ? '/' : selected]}
      items={items}
      onClick={({ key }) => {
        setDrawer(false);
        void navigate(key);
      }}
    />
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 12,
          padding: narrow ? '0 12px' : '0 24px',
          background: '#fff',
          borderBottom: '1px solid #f0f0f0',
          height: 'auto',
          minHeight: 64,
          flexWrap: 'wrap',
        }}
      >
        {narrow && (
          <Button aria-label="菜单" icon={<MenuOutlined />} onClick={() => setDrawer(true)} />
        )}
        <Typography.Text strong style={{ fontSize: 16, whiteSpace: 'nowrap' }}>
          基层数据共享平台
        </Typography.Text>
        <div style={{ flex: 1 }} />
        <PurposePicker />
        <Space size="small" wrap>
          <Typography.Text data-testid="who">
            {me ? `${me.name} · ${me.roleLabel ?? me.role ?? ''}` : ''}
          </Typography.Text>
          {me && (
            <Typography.Text type="secondary" data-testid="jurisdiction">
              辖区 {division ?? '全区'}
            </Typography.Text>
          )}
          <Button icon={<LogoutOutlined />} onClick={logout}>
            退出
          </Button>
        </Space>
      </Layout.Header>
      <Layout>
        {narrow ? (
          <Drawer open={drawer} onClose={() => setDrawer(false)} placement="left" size={240}>
            {menu}
          </Drawer>
        ) : (
          <Layout.Sider width={200} theme="light" className="no-print">
            {menu}
          </Layout.Sider>
        )}
        <Layout.Content style={{ padding: narrow ? 12 : 24 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
