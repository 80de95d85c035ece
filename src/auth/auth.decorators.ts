import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '../users/user.entity';
import type { Actor } from './actor';

export const ROLES_KEY = 'cultivation:roles';
export const PUBLIC_KEY = 'cultivation:public';
export const OWNED_BY_KEY = 'cultivation:owned-by';

/** Who may call a route. A route without @Roles or @Public is denied to everyone (deny by default). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Open without a token (sign-in, health). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export interface OwnedBySpec {
  /** Resource kind whose owning enterprise is resolved (`enterprise`, `application`, …). */
  resource: string;
  /** Where the resource id is in the request: `params.id`, `body.enterpriseId`, `query.enterpriseId`. */
  from: string;
}

/**
 * Enterprise users reach only their own enterprise and what hangs off it. The guard resolves the owning enterprise of
 * the resource named here and compares it with the user's; staff roles are not restricted by ownership.
 */
export const OwnedBy = (resource: string, from = 'params.id') =>
  SetMetadata(OWNED_BY_KEY, { resource, from } satisfies OwnedBySpec);

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  return context.switchToHttp().getRequest().actor;
});
