import { makeUscc } from '../../src/enterprises/uscc';
import { TestApp } from './test-app';

let serial = 0;

/** A valid USCC that no other test uses (GB 32100-2015 check character computed). */
export function freshUscc(): string {
  serial++;
  const body = (Date.now() % 1e9).toString().padStart(9, '0') + serial.toString().padStart(4, '0');
  return makeUscc(`91350100${body.slice(-9)}`);
}

export async function createEnterprise(t: TestApp, overrides: Record<string, unknown> = {}, token = t.adminToken) {
  const res = await t.http.post(
    '/api/enterprises',
    {
      uscc: freshUscc(),
      name: `测试科技有限公司${serial}`,
      district: '思明区',
      registeredOn: '2019-04-01',
      ...overrides,
    },
    token,
  );
  if (res.statusCode !== 201) throw new Error(`create enterprise failed: ${res.body}`);
  return res.json();
}
