import { validateImportRow } from './import-row.validation';
import type { ImportRow } from './import-file.parser';

describe('import row validation', () => {
  it('names the cell holding a NUL or an unpaired surrogate, as the API refuses them in a body', async () => {
    const row = {
      rowNumber: 7,
      year: 2025,
      enterprise: { name: 'Xiamen\u0000 Tech', district: '思明区' },
      indicators: {},
    } as unknown as ImportRow;
    const checked = await validateImportRow(row, { 'enterprise.name': '企业名称' });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors).toContainEqual({
      rowNumber: 7,
      column: '企业名称',
      reason: 'enterprise.name must not contain NUL or unpaired surrogate characters',
    });
  });
});
