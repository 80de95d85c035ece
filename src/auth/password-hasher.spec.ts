import { hash } from 'argon2';
import { hashPassword, MAX_CONCURRENT_HASHES, passwordNeedsRehash, verifyPassword } from './password-hasher';

describe('password hasher', () => {
  it('hashes with argon2id at the OWASP parameters and verifies', async () => {
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await verifyPassword(stored, 'correct horse')).toBe(true);
    expect(await verifyPassword(stored, 'wrong horse')).toBe(false);
    expect(await verifyPassword('not a hash', 'correct horse')).toBe(false);
    expect(passwordNeedsRehash(stored)).toBe(false);
  });

  it('asks to rehash a hash made with the library defaults, which still verifies', async () => {
    const old = await hash('battery staple');
    expect(passwordNeedsRehash(old)).toBe(true);
    expect(await verifyPassword(old, 'battery staple')).toBe(true);
    expect(passwordNeedsRehash('garbage')).toBe(false);
  });

  it(`runs at most ${MAX_CONCURRENT_HASHES} hashes at once and finishes every call`, async () => {
    let running = 0;
    let peak = 0;
    // A fresh copy of the module under a slow fake argon2, so the bound is observable.
    let hasher!: typeof import('./password-hasher');
    jest.isolateModules(() => {
      jest.doMock('argon2', () => ({
        ...jest.requireActual('argon2'),
        hash: async () => {
          peak = Math.max(peak, ++running);
          await new Promise((done) => setTimeout(done, 5));
          running--;
          return 'h';
        },
      }));
      hasher = jest.requireActual('./password-hasher');
    });
    const results = await Promise.all(Array.from({ length: 7 }, (_, i) => hasher.hashPassword(`p${i}`)));
    expect(results).toEqual(Array(7).fill('h'));
    expect(peak).toBe(MAX_CONCURRENT_HASHES);
  });
});
