import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { ROLES_KEY } from './auth.decorators';
import { AuthGuard } from './auth.guard';
import type { UserStanding } from '../users/user-standing';
import { OwnershipRegistry } from './ownership.registry';

/** The guard remembers verified tokens; these tests pin down that remembering never accepts what verifying refuses. */
describe('AuthGuard token memory', () => {
  const secret = 'unit-test-secret-0123456789abcdef0123456789';
  const jwt = new JwtService({ secret, signOptions: { algorithm: 'HS256' } });
  const handler = () => undefined;
  Reflect.defineMetadata(ROLES_KEY, ['admin'], handler);
  const contextFor = (token: string) =>
    ({
      getHandler: () => handler,
      getClass: () => class {},
      switchToHttp: () => ({ getRequest: () => ({ headers: { authorization: `Bearer ${token}` } }) }),
    }) as never;
  const claims = { sub: 'u1', username: 'a', role: 'admin', enterpriseId: null, expertise: null, ver: 1 };
  /** The account's standing as the database would give it: at version 1 and active unless a test says otherwise. */
  let accountCurrent = true;
  const standing = { isCurrent: async () => accountCurrent } as unknown as UserStanding;
  beforeEach(() => (accountCurrent = true));

  afterEach(() => jest.restoreAllMocks());

  it('accepts a valid token again from memory, and refuses it once it has expired', async () => {
    // Both the signer and the verifier read Date.now().
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-21T00:00:00Z'));
    const guard = new AuthGuard(new Reflector(), jwt, new OwnershipRegistry(), standing);
    const token = await jwt.signAsync(claims, { expiresIn: 60 });
    const verify = jest.spyOn(jwt, 'verifyAsync');
    await expect(guard.canActivate(contextFor(token))).resolves.toBe(true);
    await expect(guard.canActivate(contextFor(token))).resolves.toBe(true);
    expect(verify).toHaveBeenCalledTimes(1);
    now.mockReturnValue(Date.parse('2026-11-21T00:01:01Z'));
    await expect(guard.canActivate(contextFor(token))).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a remembered token once its account was deactivated or changed (SESSION_ENDED)', async () => {
    const guard = new AuthGuard(new Reflector(), jwt, new OwnershipRegistry(), standing);
    const token = await jwt.signAsync(claims, { expiresIn: 600 });
    await expect(guard.canActivate(contextFor(token))).resolves.toBe(true);
    accountCurrent = false;
    await expect(guard.canActivate(contextFor(token))).rejects.toMatchObject({ status: 401, code: 'SESSION_ENDED' });
  });

  it('never takes a tampered token for a remembered one', async () => {
    const guard = new AuthGuard(new Reflector(), jwt, new OwnershipRegistry(), standing);
    const token = await jwt.signAsync(claims, { expiresIn: 600 });
    await guard.canActivate(contextFor(token));
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin', sub: 'u2', exp: 9e9 })).toString('base64url')}.${signature}`;
    await expect(guard.canActivate(contextFor(forged))).rejects.toMatchObject({ status: 401 });
    const other = await new JwtService({ secret: `${secret}-other` }).signAsync(claims, { expiresIn: 600 });
    await expect(guard.canActivate(contextFor(other))).rejects.toMatchObject({ status: 401 });
  });

  it("reads a route's decorators once, and per controller where two share a handler", async () => {
    const reflector = new Reflector();
    const guard = new AuthGuard(reflector, jwt, new OwnershipRegistry(), standing);
    const token = await jwt.signAsync({ ...claims, role: 'manager' }, { expiresIn: 600 });
    const shared = () => undefined;
    class ForManagers {}
    class ForAdmins {}
    Reflect.defineMetadata(ROLES_KEY, ['manager'], ForManagers);
    Reflect.defineMetadata(ROLES_KEY, ['admin'], ForAdmins);
    const on = (controller: object) =>
      ({
        getHandler: () => shared,
        getClass: () => controller,
        switchToHttp: () => ({ getRequest: () => ({ headers: { authorization: `Bearer ${token}` } }) }),
      }) as never;
    const read = jest.spyOn(reflector, 'getAllAndOverride');
    await expect(guard.canActivate(on(ForManagers))).resolves.toBe(true);
    await expect(guard.canActivate(on(ForManagers))).resolves.toBe(true);
    expect(read).toHaveBeenCalledTimes(3);
    await expect(guard.canActivate(on(ForAdmins))).rejects.toMatchObject({ status: 403 });
  });
});
