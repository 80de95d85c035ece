import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Col, DatePicker, Form, Input, Row } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api } from '../../api/client';
import type { Enterprise } from '../../api/types';
import { applyApiError, FormError } from '../../components/forms';
import { useI18n } from '../../i18n';
import { lengthBetween, required, uscc } from '../../lib/rules';

interface Values {
  uscc?: string;
  name: string;
  district: string;
  registeredOn: Dayjs;
  industry?: string;
  address?: string;
  contact?: { name?: string; phone?: string; email?: string };
}

const clean = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '')) as Partial<T>;

/**
 * Creates an enterprise (`POST /api/enterprises`) or edits one (`PATCH`, with the version seen). `registryLocked`:
 * the district and registration date are shown but not editable (an enterprise editing its own profile: the bureau
 * corrects those, the API answers 403 REGISTRY_FACT otherwise).
 */
export function ProfileForm({
  enterprise,
  onSaved,
  registryLocked = false,
}: {
  enterprise?: Enterprise;
  onSaved?: (e: Enterprise) => void;
  registryLocked?: boolean;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<unknown>(null);
  const save = useMutation({
    mutationFn: (v: Values) => {
      const contact = v.contact ? clean(v.contact) : undefined;
      const body = clean({
        name: v.name?.trim(),
        district: registryLocked ? undefined : v.district?.trim(),
        registeredOn: registryLocked ? undefined : v.registeredOn?.format('YYYY-MM-DD'),
        industry: v.industry?.trim(),
        address: v.address?.trim(),
        contact: contact && Object.keys(contact).length ? contact : undefined,
      });
      // An edit sends a field the user emptied as null, which clears it; left out, the old value would stay.
      const cleared = enterprise
        ? Object.fromEntries(
            (['industry', 'address', 'contact'] as const)
              .filter((k) => body[k] === undefined && enterprise[k] != null)
              .map((k) => [k, null]),
          )
        : {};
      return enterprise
        ? api.patch<Enterprise>(`/api/enterprises/${enterprise.id}`, { ...body, ...cleared, version: enterprise.version })
        : api.post<Enterprise>('/api/enterprises', { ...body, uscc: v.uscc?.trim().toUpperCase() });
    },
    onSuccess: (saved) => {
      setError(null);
      message.success(t('common.saved'));
      client.setQueryData(['enterprise', saved.id], saved);
      void client.invalidateQueries({ queryKey: ['enterprises'] });
      onSaved?.(saved);
    },
    onError: (e) => {
      setError(e);
      applyApiError(form, e);
    },
  });
  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={
        enterprise
          ? { ...enterprise, registeredOn: dayjs(enterprise.registeredOn), contact: enterprise.contact ?? {} }
          : undefined
      }
      onFinish={(v) => save.mutate(v)}
      data-testid="profile-form"
    >
      <Row gutter={16}>
        {!enterprise && (
          <Col xs={24} md={12}>
            <Form.Item name="uscc" label={t('field.uscc')} rules={[required(i18n), uscc(i18n)]}>
              <Input maxLength={18} style={{ textTransform: 'uppercase' }} />
            </Form.Item>
          </Col>
        )}
        <Col xs={24} md={12}>
          <Form.Item name="name" label={t('field.name')} rules={[required(i18n), lengthBetween(i18n, 1, 200)]}>
            <Input />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="district"
            label={t('field.district')}
            rules={[required(i18n), lengthBetween(i18n, 1, 60)]}
            extra={registryLocked ? t('enterprise.registryLocked') : undefined}
          >
            <Input disabled={registryLocked} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="registeredOn" label={t('field.registeredOn')} rules={[required(i18n)]}>
            <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs())} disabled={registryLocked} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="industry" label={t('field.industry')} rules={[lengthBetween(i18n, 0, 100)]}>
            <Input />
          </Form.Item>
        </Col>
        <Col xs={24}>
          <Form.Item name="address" label={t('field.address')} rules={[lengthBetween(i18n, 0, 300)]}>
            <Input />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name={['contact', 'name']} label={t('field.contactName')} rules={[lengthBetween(i18n, 0, 60)]}>
            <Input />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name={['contact', 'phone']}
            label={t('field.contactPhone')}
            rules={[{ pattern: /^[0-9+\-() ]{5,30}$/, message: t('validation.phone') }]}
          >
            <Input />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name={['contact', 'email']} label={t('field.contactEmail')} rules={[{ type: 'email', message: t('validation.email') }]}>
            <Input />
          </Form.Item>
        </Col>
      </Row>
      <FormError error={error} />
      <Button type="primary" htmlType="submit" loading={save.isPending}>
        {enterprise ? t('action.save') : t('action.create')}
      </Button>
    </Form>
  );
}
