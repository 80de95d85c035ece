import type { Expertise, Role } from '../users/user.entity';

/** Who is acting: a signed-in user, or the system itself (sweeps, outbox handlers). */
export interface Actor {
  id: string | null;
  role: Role | 'system';
  enterpriseId: string | null;
  expertise?: Expertise | null;
  username?: string;
}

export const SYSTEM_ACTOR: Actor = { id: null, role: 'system', enterpriseId: null, username: 'system' };
