import { EXAMPLE_FILINGS } from './domain-example';
import { createEnterprise } from './fixtures';
import { TestApp, userWithToken } from './test-app';

export type User = { id: string; token: string; username: string };

/** Enough reviewers for a panel of 5 (at least 3 technical, 1 finance) with spares for replacements. */
export async function reviewerPool(t: TestApp, technical = 6, finance = 3) {
  const reviewers: (User & { expertise: string })[] = [];
  for (let i = 0; i < technical; i++)
    reviewers.push({ ...(await userWithToken(t, 'reviewer', { expertise: 'technical' })), expertise: 'technical' });
  for (let i = 0; i < finance; i++)
    reviewers.push({ ...(await userWithToken(t, 'reviewer', { expertise: 'finance' })), expertise: 'finance' });
  return reviewers;
}

/** An enterprise with three years of DOMAIN.md's example indicators, and a user of its own. */
export async function applicant(
  t: TestApp,
  caseworker: User,
  filing: (year: number) => Record<string, unknown> = (y) => EXAMPLE_FILINGS[y],
) {
  const enterprise = await createEnterprise(t, { registeredOn: '2019-04-01' });
  for (const year of [2023, 2024, 2025]) {
    const res = await t.http.put(
      `/api/enterprises/${enterprise.id}/indicators/${year}`,
      filing(year),
      caseworker.token,
    );
    if (res.statusCode >= 300) throw new Error(`filing failed: ${res.body}`);
  }
  const user = await userWithToken(t, 'enterprise', { enterpriseId: enterprise.id });
  return { enterprise, user };
}

export const event = (t: TestApp, id: string, body: Record<string, unknown>, token: string) =>
  t.http.post(`/api/applications/${id}/events`, body, token);

export async function expectOk(res: { statusCode: number; body: string; json(): any }) {
  if (res.statusCode !== 200 && res.statusCode !== 201)
    throw new Error(`expected success, got ${res.statusCode}: ${res.body}`);
  return res.json();
}
