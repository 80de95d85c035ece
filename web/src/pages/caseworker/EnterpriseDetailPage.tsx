import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Space, Table, Tabs } from 'antd';
import { useParams } from 'react-router-dom';
import { ApiError, api } from '../../api/client';
import type { ApplicationSummary, Grant, StoredEvaluation } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import { CheckupResult } from '../../components/CheckupResult';
import { useEnterprise } from '../../components/EnterpriseName';
import { EmptyState, ErrorState, Loading, QueryView } from '../../components/PageState';
import { ColourTag, StateTag, TierTag } from '../../components/Tags';
import { useI18n } from '../../i18n';
import { usePaged } from '../../lib/usePaged';
import { ApplicationsTable } from '../applications/ApplicationsTable';
import { CertificationsPanel } from '../enterprise/CertificationsPanel';
import { NewApplicationButton } from '../enterprise/ApplicationsPage';
import { IndicatorsEditor } from '../enterprise/IndicatorsEditor';
import { ProfileDescriptions } from '../enterprise/ProfilePage';
import { GrantWhy } from '../grants/GrantWhy';
import { VisitsPanel } from './VisitsPanel';

function StoredEvaluationTab({ id }: { id: string }) {
  const { t, dateTime } = useI18n();
  const evaluation = useQuery({
    queryKey: ['evaluation', id],
    queryFn: () => api.get<StoredEvaluation>(`/api/enterprises/${id}/evaluation`),
    retry: false,
  });
  if (evaluation.isLoading) return <Loading />;
  if (evaluation.error instanceof ApiError && evaluation.error.status === 404) return <EmptyState description={t('evaluation.none')} />;
  if (evaluation.isError) return <ErrorState error={evaluation.error} onRetry={() => void evaluation.refetch()} />;
  const e = evaluation.data!;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert type="info" showIcon message={t('evaluation.provenance', { ruleSet: e.ruleSet, version: e.regionConfigVersion, asOf: e.asOf, at: dateTime(e.evaluatedAt) })} />
      <CheckupResult result={e.result} title={t('evaluation.title')} />
    </Space>
  );
}

function ApplicationsTab({ id }: { id: string }) {
  const { t } = useI18n();
  const user = useUser();
  const list = usePaged<ApplicationSummary>('applications', '/api/applications', { enterpriseId: id });
  return (
    <Card size="small" extra={user.role === 'caseworker' && <NewApplicationButton enterpriseId={id} />}>
      <QueryView query={list.query} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('applications.empty')} />}>
        {(d) => <ApplicationsTable data={d} page={list.page} pageSize={list.pageSize} onPage={list.onPage} showEnterprise={false} />}
      </QueryView>
    </Card>
  );
}

function GrantsTab({ id }: { id: string }) {
  const { t, yuan } = useI18n();
  const list = usePaged<Grant>('grants', `/api/enterprises/${id}/grants`);
  return (
    <QueryView query={list.query} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('grants.empty')} />}>
      {(d) => (
        <Table<Grant> rowKey="id" size="small" dataSource={d.items} expandable={{ expandedRowRender: (g) => <GrantWhy grant={g} /> }}
          pagination={{ current: list.page, pageSize: list.pageSize, total: d.total, onChange: list.onPage }}
          columns={[
            { title: t('grants.programme'), render: (_, g) => g.programmeName ?? g.programmeCode },
            { title: t('grants.period'), dataIndex: 'period' },
            { title: t('grants.amount'), dataIndex: 'amount', render: yuan, align: 'right' },
            { title: t('field.state'), dataIndex: 'state', render: (v) => <StateTag state={v} group="grantState" /> },
          ]} />
      )}
    </QueryView>
  );
}

/** One enterprise for staff: profile, stored check-up, indicators, certifications, applications, visits, grants. */
export default function EnterpriseDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const user = useUser();
  const enterprise = useEnterprise(id);
  const canFile = user.role === 'caseworker';
  const seesVisits = ['caseworker', 'manager', 'admin'].includes(user.role);
  const seesGrants = ['caseworker', 'manager', 'admin'].includes(user.role);
  return (
    <QueryView query={enterprise}>
      {(e) => (
        <Card title={<Space>{e.name}<TierTag tier={e.tier} /><ColourTag colour={e.colour} /></Space>}>
          <Tabs
            items={[
              { key: 'profile', label: t('tabs.profile'), children: <ProfileDescriptions e={e} /> },
              { key: 'evaluation', label: t('tabs.evaluation'), children: <StoredEvaluationTab id={id} /> },
              ...(canFile ? [{ key: 'indicators', label: t('tabs.indicators'), children: <IndicatorsEditor enterpriseId={id} /> }] : []),
              { key: 'certs', label: t('tabs.certifications'), children: <CertificationsPanel enterpriseId={id} /> },
              { key: 'applications', label: t('tabs.applications'), children: <ApplicationsTab id={id} /> },
              ...(seesVisits ? [{ key: 'visits', label: t('tabs.visits'), children: <VisitsPanel enterpriseId={id} /> }] : []),
              ...(seesGrants ? [{ key: 'grants', label: t('tabs.grants'), children: <GrantsTab id={id} /> }] : []),
            ]}
          />
        </Card>
      )}
    </QueryView>
  );
}
