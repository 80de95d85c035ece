/**
 * Who may send which event to an application: the one place separation of duties is enforced (受理、评审、立项三分离).
 * The person who accepted cannot score or decide; a panel member cannot decide; enterprise users act only on their
 * own applications. Pure: the service asks here before every transition and when listing allowed events.
 */
export interface PolicyActor {
  id: string | null;
  role: string;
  enterpriseId: string | null;
}

export interface PolicySubject {
  enterpriseId: string;
  acceptedBy: string | null;
  panelIds: string[];
  pendingPanelIds: string[];
}

export interface Refusal {
  status: 403 | 404;
  code: string;
  message: string;
}

const ROLES_FOR: Record<string, string[]> = {
  SUBMIT: ['enterprise', 'caseworker'],
  WITHDRAW: ['enterprise'],
  RETURN: ['caseworker'],
  ACCEPT: ['caseworker'],
  PUBLISH_NOTICE: ['caseworker'],
  DRAW_PANEL: ['caseworker'],
  DECLINE: ['reviewer'],
  SCORE: ['reviewer'],
  DECIDE: ['manager'],
  // 公示: anyone may object in writing under their real name, including other enterprises.
  OBJECT: ['enterprise', 'caseworker', 'reviewer', 'manager', 'admin'],
  RESOLVE_OBJECTION: ['manager'],
  // Only the daily sweep closes a notice, or rejects one that can no longer become a recognition.
  CLOSE_NOTICE: ['system'],
  LAPSE: ['system'],
};

/** Events only the system sends (never in a request, never in `allowedEvents`). */
export const SYSTEM_EVENTS = Object.keys(ROLES_FOR).filter((t) => ROLES_FOR[t].includes('system'));
export const CLIENT_EVENTS = Object.keys(ROLES_FOR).filter((t) => !SYSTEM_EVENTS.includes(t));

export function refusal(type: string, actor: PolicyActor, subject: PolicySubject): Refusal | null {
  const roles = ROLES_FOR[type];
  if (!roles) return { status: 403, code: 'UNKNOWN_EVENT', message: `${type} is not an application event` };
  if (actor.role === 'enterprise' && actor.enterpriseId !== subject.enterpriseId && type !== 'OBJECT')
    return { status: 404, code: 'NOT_FOUND', message: 'application was not found' };
  if (!roles.includes(actor.role))
    return { status: 403, code: 'ROLE_NOT_ALLOWED', message: `Role ${actor.role} may not send ${type}` };
  const id = actor.id ?? '';
  if ((type === 'SCORE' || type === 'DECLINE') && !subject.pendingPanelIds.includes(id))
    return { status: 403, code: 'NOT_PANEL_MEMBER', message: 'Only a panel member who has not yet scored may do this' };
  if ((type === 'SCORE' || type === 'DECIDE' || type === 'RESOLVE_OBJECTION') && subject.acceptedBy === id)
    return {
      status: 403,
      code: 'SEPARATION_OF_DUTIES',
      message: 'The person who accepted the application cannot score or decide it',
    };
  if ((type === 'DECIDE' || type === 'RESOLVE_OBJECTION') && subject.panelIds.includes(id))
    return { status: 403, code: 'SEPARATION_OF_DUTIES', message: 'A panel member cannot decide the application' };
  return null;
}
