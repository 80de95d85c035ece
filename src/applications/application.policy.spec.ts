import { refusal } from './application.policy';

const subject = { enterpriseId: 'e1', acceptedBy: 'cw1', panelIds: ['r1', 'r2'], pendingPanelIds: ['r2'] };
const actor = (id: string, role: string, enterpriseId: string | null = null) => ({ id, role, enterpriseId });

describe('application policy (separation of duties)', () => {
  it('lets each role send only its events', () => {
    expect(refusal('ACCEPT', actor('cw2', 'caseworker'), subject)).toBeNull();
    expect(refusal('ACCEPT', actor('m1', 'manager'), subject)?.code).toBe('ROLE_NOT_ALLOWED');
    expect(refusal('WITHDRAW', actor('u1', 'enterprise', 'e1'), subject)).toBeNull();
    expect(refusal('CLOSE_NOTICE', actor('m1', 'manager'), subject)?.code).toBe('ROLE_NOT_ALLOWED');
  });

  it('keeps enterprise users to their own applications, except to object', () => {
    expect(refusal('SUBMIT', actor('u2', 'enterprise', 'e2'), subject)).toMatchObject({ status: 404 });
    expect(refusal('OBJECT', actor('u2', 'enterprise', 'e2'), subject)).toBeNull();
  });

  it('stops the acceptor from scoring or deciding, and panel members from deciding', () => {
    expect(refusal('SCORE', actor('r2', 'reviewer'), subject)).toBeNull();
    expect(refusal('SCORE', actor('r1', 'reviewer'), subject)?.code).toBe('NOT_PANEL_MEMBER');
    expect(refusal('DECIDE', actor('cw1', 'manager'), subject)?.code).toBe('SEPARATION_OF_DUTIES');
    expect(refusal('DECIDE', actor('r1', 'manager'), subject)?.code).toBe('SEPARATION_OF_DUTIES');
    expect(refusal('SCORE', actor('cw1', 'reviewer'), { ...subject, pendingPanelIds: ['cw1'] })?.code).toBe(
      'SEPARATION_OF_DUTIES',
    );
    expect(refusal('DECIDE', actor('m9', 'manager'), subject)).toBeNull();
  });
});
