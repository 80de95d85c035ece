import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { DomainError, forbidden } from '../common/domain-error';
import type { Role } from '../users/user.entity';
import { UserStanding } from '../users/user-standing';
import type { Actor } from './actor';
import { OWNED_BY_KEY, OwnedBySpec, PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { OwnershipRegistry } from './ownership.registry';

export interface TokenClaims {
  sub: string;
  username: string;
  role: Role;
  enterpriseId: string | null;
  expertise: string | null;
  /** The user's version at sign-in: a change to the account since (UserStanding) ends the session. */
  ver: number;
}

/** What a route's decorators allow. */
interface RouteRule {
  isPublic: boolean;
  roles: Role[] | undefined;
  owned: OwnedBySpec | undefined;
}

const unauthenticated = (message: string) => new DomainError(401, 'UNAUTHENTICATED', message);

/** How many verified tokens are remembered (a few hundred staff and enterprise users, each signed in a few times). */
const VERIFIED_TOKENS_MAX = 10_000;

function pick(request: Record<string, any>, path: string): unknown {
  return path.split('.').reduce<any>((value, key) => (value == null ? undefined : value[key]), request);
}

/**
 * Global guard: verifies the bearer token, then the route's @Roles, then ownership (@OwnedBy) for enterprise users
 * and, on resources with a panel, panel membership for reviewers.
 * Routes are denied unless a decorator allows them, so a new route cannot be open by accident.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  /**
   * Tokens whose signature was already checked, by their exact text (signature included, so a forged token never
   * matches), with their claims and expiry. Verifying an HMAC and parsing the token on every request was a tenth of a
   * cheap read's CPU; the expiry is still checked on every use. Oldest entries go first when full.
   */
  private readonly verified = new Map<string, { claims: TokenClaims; expiresAt: number }>();
  private readonly rules = new WeakMap<object, WeakMap<object, RouteRule>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly ownership: OwnershipRegistry,
    private readonly standing: UserStanding,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.ruleOf(context);
    if (rule.isPublic) return true;
    const request = context.switchToHttp().getRequest();
    const actor = await this.authenticate(request.headers?.authorization);
    request.actor = actor;
    if (!rule.roles?.length) throw forbidden('ROUTE_NOT_ALLOWED', 'No role may call this route');
    if (!rule.roles.includes(actor.role as Role))
      throw forbidden('ROLE_NOT_ALLOWED', `Role ${actor.role} may not do this`);
    if (rule.owned && actor.role === 'enterprise') await this.checkOwnership(actor, rule.owned, request);
    if (rule.owned && actor.role === 'reviewer') await this.checkPanel(actor, rule.owned, request);
    return true;
  }

  /** The route's decorators, read once per handler and class: metadata does not change after start-up. */
  private ruleOf(context: ExecutionContext): RouteRule {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byController = this.rules.get(handler);
    if (!byController) this.rules.set(handler, (byController = new WeakMap()));
    let rule = byController.get(controller);
    if (!rule) {
      const targets = [handler, controller];
      rule = {
        isPublic: !!this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets),
        roles: this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets),
        owned: this.reflector.getAllAndOverride<OwnedBySpec>(OWNED_BY_KEY, targets),
      };
      byController.set(controller, rule);
    }
    return rule;
  }

  private async authenticate(header: unknown): Promise<Actor> {
    if (typeof header !== 'string' || !header.startsWith('Bearer '))
      throw unauthenticated('A bearer token is required');
    const token = header.slice(7);
    let claims = this.remembered(token);
    if (!claims) {
      try {
        claims = await this.jwt.verifyAsync<TokenClaims & { exp?: number }>(token);
      } catch {
        throw unauthenticated('The token is invalid or expired');
      }
      this.remember(token, claims);
    }
    if (!(await this.standing.isCurrent(claims.sub, claims.ver)))
      throw new DomainError(
        401,
        'SESSION_ENDED',
        'This sign-in is no longer valid: the account was deactivated or changed since. Sign in again',
      );
    return {
      id: claims.sub,
      role: claims.role,
      enterpriseId: claims.enterpriseId ?? null,
      expertise: (claims.expertise as Actor['expertise']) ?? null,
      username: claims.username,
    };
  }

  private remembered(token: string): TokenClaims | null {
    const hit = this.verified.get(token);
    if (!hit) return null;
    if (hit.expiresAt <= Date.now()) {
      this.verified.delete(token);
      return null;
    }
    return hit.claims;
  }

  private remember(token: string, claims: TokenClaims & { exp?: number }) {
    if (typeof claims.exp !== 'number') return; // a token without expiry is verified every time
    if (this.verified.size >= VERIFIED_TOKENS_MAX) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { claims, expiresAt: claims.exp * 1000 });
  }

  private async checkPanel(actor: Actor, spec: OwnedBySpec, request: Record<string, any>) {
    const id = pick(request, spec.from);
    if (typeof id !== 'string' || !id) return;
    const onPanel = await this.ownership.onPanel(spec.resource, id, actor.id ?? '').catch(() => false);
    // Like another enterprise's resource: not on the panel reads as not there.
    if (onPanel === false) throw new DomainError(404, 'NOT_FOUND', `${spec.resource} ${id} was not found`);
  }

  private async checkOwnership(actor: Actor, spec: OwnedBySpec, request: Record<string, any>) {
    const id = pick(request, spec.from);
    // A missing id is a validation matter for the pipe; ownership can only be judged on a present one.
    if (typeof id !== 'string' || !id) return;
    const owner = await this.ownership.ownerOf(spec.resource, id).catch(() => null);
    // Another enterprise's resource answers as if it did not exist, so ids cannot be probed.
    if (!owner || owner !== actor.enterpriseId)
      throw new DomainError(404, 'NOT_FOUND', `${spec.resource} ${id} was not found`);
  }
}
