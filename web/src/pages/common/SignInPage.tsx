import { Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { FormError } from '../../components/forms';
import { useI18n, type Lang } from '../../i18n';

/** `POST /api/auth/login` → `{accessToken}`; the token is kept in memory and sessionStorage. */
export function SignInPage() {
  const { t, lang, setLang } = useI18n();
  const { token, signIn } = useAuth();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from;
  // Only a path of this console (not `//host`), so a crafted link cannot send the user elsewhere.
  const destination = from && from.startsWith('/') && !from.startsWith('//') && from !== '/signin' ? from : '/';
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (token) return <Navigate to={destination} replace />;
  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await signIn(values.username.trim(), values.password);
      navigate(destination, { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const message =
    error instanceof ApiError && error.code === 'INVALID_CREDENTIALS'
      ? t('signin.invalid')
      : error instanceof ApiError && error.status === 429
        ? t('signin.throttled')
        : null;
  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 380 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('app.title')}
          </Typography.Title>
          <Segmented<Lang>
            size="small"
            value={lang}
            onChange={setLang}
            options={[
              { label: '中文', value: 'zh' },
              { label: 'EN', value: 'en' },
            ]}
            aria-label={t('header.language')}
          />
        </div>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('signin.subtitle')}
        </Typography.Paragraph>
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            label={t('signin.username')}
            name="username"
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
          >
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            label={t('signin.password')}
            name="password"
            rules={[{ required: true, message: t('validation.required') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {message ? (
            <Typography.Paragraph type="danger" role="alert" data-testid="signin-error">
              {message}
            </Typography.Paragraph>
          ) : (
            <FormError error={error} />
          )}
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('signin.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
