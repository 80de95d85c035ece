import {
  AppstoreOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  ClusterOutlined,
  DashboardOutlined,
  ExceptionOutlined,
  FileTextOutlined,
  FundOutlined,
  IdcardOutlined,
  ImportOutlined,
  MoneyCollectOutlined,
  ProfileOutlined,
  SafetyCertificateOutlined,
  SettingOutlined,
  SolutionOutlined,
  StopOutlined,
  TeamOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { lazy, type ComponentType, type ReactNode } from 'react';
import type { Role } from './api/types';
import type { MessageKey } from './i18n';

export interface PageRoute {
  path: string;
  title: MessageKey;
  icon?: ReactNode;
  roles: Role[];
  /** Shown in the side menu (detail pages are not). */
  menu: boolean;
  component: ComponentType;
}

const page = (loader: () => Promise<{ default: ComponentType }>) => lazy(loader);

/** Every page, who may open it and whether the side menu lists it: the role decides the menu. */
export const ROUTES: PageRoute[] = [
  // Enterprise
  { path: '/my/profile', title: 'menu.profile', icon: <IdcardOutlined />, roles: ['enterprise'], menu: true, component: page(() => import('./pages/enterprise/ProfilePage')) },
  { path: '/my/indicators', title: 'menu.indicators', icon: <FundOutlined />, roles: ['enterprise'], menu: true, component: page(() => import('./pages/enterprise/IndicatorsPage')) },
  { path: '/my/certifications', title: 'menu.certifications', icon: <SafetyCertificateOutlined />, roles: ['enterprise'], menu: true, component: page(() => import('./pages/enterprise/CertificationsPage')) },
  { path: '/my/applications', title: 'menu.myApplications', icon: <FileTextOutlined />, roles: ['enterprise'], menu: true, component: page(() => import('./pages/enterprise/ApplicationsPage')) },
  { path: '/my/grants', title: 'menu.myGrants', icon: <MoneyCollectOutlined />, roles: ['enterprise'], menu: true, component: page(() => import('./pages/enterprise/GrantsPage')) },
  // Caseworker
  { path: '/queue', title: 'menu.queue', icon: <UnorderedListOutlined />, roles: ['caseworker'], menu: true, component: page(() => import('./pages/caseworker/WorkQueuePage')) },
  { path: '/mine', title: 'menu.mine', icon: <TeamOutlined />, roles: ['caseworker'], menu: true, component: page(() => import('./pages/caseworker/MyEnterprisesPage')) },
  // Reviewer
  { path: '/panels', title: 'menu.panels', icon: <SolutionOutlined />, roles: ['reviewer'], menu: true, component: page(() => import('./pages/reviewer/PanelsPage')) },
  { path: '/conflicts', title: 'menu.conflicts', icon: <StopOutlined />, roles: ['reviewer'], menu: true, component: page(() => import('./pages/reviewer/ConflictsPage')) },
  // Manager
  { path: '/dashboard', title: 'menu.dashboard', icon: <DashboardOutlined />, roles: ['manager'], menu: true, component: page(() => import('./pages/manager/DashboardPage')) },
  { path: '/candidates', title: 'menu.candidates', icon: <ClusterOutlined />, roles: ['manager', 'caseworker'], menu: true, component: page(() => import('./pages/manager/CandidatesPage')) },
  { path: '/decisions', title: 'menu.decisions', icon: <CheckSquareOutlined />, roles: ['manager'], menu: true, component: page(() => import('./pages/manager/DecisionsPage')) },
  { path: '/objections', title: 'menu.objections', icon: <ExceptionOutlined />, roles: ['manager'], menu: true, component: page(() => import('./pages/manager/ObjectionsPage')) },
  { path: '/programmes', title: 'menu.programmes', icon: <AppstoreOutlined />, roles: ['manager', 'admin'], menu: true, component: page(() => import('./pages/manager/ProgrammesPage')) },
  { path: '/programmes/:id', title: 'menu.programmeEditor', roles: ['manager', 'admin'], menu: false, component: page(() => import('./pages/manager/ProgrammeEditorPage')) },
  { path: '/grants', title: 'menu.grants', icon: <BankOutlined />, roles: ['manager', 'caseworker', 'admin'], menu: true, component: page(() => import('./pages/manager/GrantsPage')) },
  { path: '/reports', title: 'menu.reports', icon: <BarChartOutlined />, roles: ['manager'], menu: true, component: page(() => import('./pages/manager/ReportsPage')) },
  // Staff
  { path: '/enterprises', title: 'menu.enterprises', icon: <ProfileOutlined />, roles: ['caseworker', 'manager', 'admin'], menu: true, component: page(() => import('./pages/caseworker/EnterpriseListPage')) },
  { path: '/imports', title: 'menu.imports', icon: <ImportOutlined />, roles: ['caseworker', 'manager', 'admin'], menu: true, component: page(() => import('./pages/caseworker/ImportPage')) },
  { path: '/enterprises/:id', title: 'menu.enterpriseDetail', roles: ['caseworker', 'manager', 'admin', 'reviewer'], menu: false, component: page(() => import('./pages/caseworker/EnterpriseDetailPage')) },
  { path: '/applications/:id', title: 'menu.applicationDetail', roles: ['enterprise', 'caseworker', 'reviewer', 'manager', 'admin'], menu: false, component: page(() => import('./pages/applications/ApplicationDetailPage')) },
  // Admin
  { path: '/users', title: 'menu.users', icon: <TeamOutlined />, roles: ['admin'], menu: true, component: page(() => import('./pages/admin/UsersPage')) },
  { path: '/calendar', title: 'menu.calendar', icon: <CalendarOutlined />, roles: ['admin'], menu: true, component: page(() => import('./pages/admin/CalendarPage')) },
  { path: '/region-config', title: 'menu.regionConfig', icon: <SettingOutlined />, roles: ['admin'], menu: true, component: page(() => import('./pages/admin/RegionConfigPage')) },
  { path: '/audit', title: 'menu.audit', icon: <AuditOutlined />, roles: ['admin', 'manager'], menu: true, component: page(() => import('./pages/admin/AuditPage')) },
];

export const HOME: Record<Role, string> = {
  enterprise: '/my/indicators',
  caseworker: '/queue',
  reviewer: '/panels',
  manager: '/dashboard',
  admin: '/users',
};

