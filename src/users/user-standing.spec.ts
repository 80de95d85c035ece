import type { DataSource } from 'typeorm';
import { STANDING_TTL_MS, UserStanding } from './user-standing';

describe('UserStanding', () => {
  let row: { id: string; version: number; active: boolean } | null;
  const findOne = jest.fn(async () => row);
  const standing = () => new UserStanding({ getRepository: () => ({ findOne }) } as unknown as DataSource);
  beforeEach(() => {
    row = { id: 'u1', version: 2, active: true };
    findOne.mockClear();
  });
  afterEach(() => jest.restoreAllMocks());

  it('accepts a token of the current version of an active account, and refuses others', async () => {
    const s = standing();
    await expect(s.isCurrent('u1', 2)).resolves.toBe(true);
    await expect(s.isCurrent('u1', 1)).resolves.toBe(false);
    await expect(s.isCurrent('u1', undefined)).resolves.toBe(false);
    row = null;
    await expect(standing().isCurrent('u1', 2)).resolves.toBe(false);
    row = { id: 'u1', version: 2, active: false };
    await expect(standing().isCurrent('u1', 2)).resolves.toBe(false);
  });

  it('reads an account once per interval, again after it, and at once after forget', async () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    const s = standing();
    await s.isCurrent('u1', 2);
    await s.isCurrent('u1', 2);
    expect(findOne).toHaveBeenCalledTimes(1);
    row = { id: 'u1', version: 3, active: true };
    now.mockReturnValue(1_000_000 + STANDING_TTL_MS);
    await expect(s.isCurrent('u1', 2)).resolves.toBe(false);
    expect(findOne).toHaveBeenCalledTimes(2);
    row = { id: 'u1', version: 4, active: true };
    s.forget('u1');
    await expect(s.isCurrent('u1', 4)).resolves.toBe(true);
    expect(findOne).toHaveBeenCalledTimes(3);
  });
});
