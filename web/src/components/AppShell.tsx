import { LogoutOutlined } from '@ant-design/icons';
import { Button, Layout, Menu, Segmented, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { matchPath, useLocation, useNavigate } from 'react-router-dom';
import { useAuth, useUser } from '../auth/AuthContext';
import { useI18n, type Lang } from '../i18n';
import type { PageRoute } from '../routes';
import { ChangePasswordButton } from './ChangePasswordButton';
import { NotificationBell } from './NotificationBell';

const { Header, Sider, Content } = Layout;

/** Header (user, role, language, notifications, sign out), the role's menu, and the page. */
export function AppShell({ routes, children }: { routes: PageRoute[]; children: ReactNode }) {
  const { t, label, lang, setLang } = useI18n();
  const { signOut } = useAuth();
  const user = useUser();
  const navigate = useNavigate();
  const location = useLocation();
  const current = routes.find((r) => matchPath({ path: r.path, end: true }, location.pathname));
  const selected = routes.filter((r) => r.menu && location.pathname.startsWith(r.path)).map((r) => r.path);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header style={{ display: 'flex', alignItems: 'center', gap: 16, paddingInline: 24 }}>
        <Typography.Title level={4} style={{ color: '#fff', margin: 0, whiteSpace: 'nowrap' }}>
          {t('app.title')}
        </Typography.Title>
        <div style={{ flex: 1 }} />
        <Space size="middle" align="center">
          <Segmented<Lang>
            size="small"
            value={lang}
            onChange={setLang}
            options={[
              { label: '中文', value: 'zh' },
              { label: 'EN', value: 'en' },
            ]}
            aria-label={t('header.language')}
            data-testid="lang-toggle"
          />
          <NotificationBell />
          <Typography.Text style={{ color: '#fff' }} data-testid="current-user">
            {user.displayName || user.username}
          </Typography.Text>
          <Tag color="gold" data-testid="current-role">
            {label('role', user.role)}
            {user.expertise ? ` · ${label('expertise', user.expertise)}` : ''}
          </Tag>
          <ChangePasswordButton />
          <Button icon={<LogoutOutlined />} size="small" onClick={signOut}>
            {t('header.signOut')}
          </Button>
        </Space>
      </Header>
      <Layout>
        <Sider width={208} theme="light" breakpoint="lg" collapsedWidth={0}>
          <Menu
            mode="inline"
            selectedKeys={selected}
            style={{ height: '100%', borderRight: 0, paddingTop: 8 }}
            items={routes
              .filter((r) => r.menu)
              .map((r) => ({ key: r.path, icon: r.icon, label: t(r.title), onClick: () => navigate(r.path) }))}
          />
        </Sider>
        <Content style={{ padding: 24, minWidth: 0 }}>
          {current && (
            <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="page-title">
              {t(current.title)}
            </Typography.Title>
          )}
          {children}
        </Content>
      </Layout>
    </Layout>
  );
}
