import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from './auth/AuthContext';
import { AppShell } from './components/AppShell';
import { ErrorState, Loading } from './components/PageState';
import { useI18n } from './i18n';
import { SignInPage } from './pages/common/SignInPage';
import { NotFoundPage } from './pages/common/NotFoundPage';
import { HOME, ROUTES } from './routes';

export function App() {
  const { lang } = useI18n();
  // antd's pickers show month and weekday names through dayjs.
  dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#1f5fbf', borderRadius: 4 } }}>
      <AntApp>
        <Routes>
          <Route path="/signin" element={<SignInPage />} />
          <Route path="*" element={<SignedIn />} />
        </Routes>
      </AntApp>
    </ConfigProvider>
  );
}

/** Everything but the sign-in page needs a user; the role decides which routes exist. */
function SignedIn() {
  const { token, user, loading, error, signOut } = useAuth();
  const location = useLocation();
  // Where the user was going (a deep link, or the page open when the token expired): back there after signing in.
  if (!token) return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />;
  if (loading) return <div style={{ padding: 48 }}><Loading rows={8} /></div>;
  if (error || !user)
    return (
      <div style={{ padding: 48 }}>
        <ErrorState error={error} onRetry={signOut} />
      </div>
    );
  const routes = ROUTES.filter((r) => r.roles.includes(user.role));
  return (
    <AppShell routes={routes}>
      <Suspense fallback={<Loading rows={6} />}>
        <Routes>
          <Route path="/" element={<Navigate to={HOME[user.role]} replace />} />
          {routes.map((r) => (
            <Route key={r.path} path={r.path} element={<r.component />} />
          ))}
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </AppShell>
  );
}
