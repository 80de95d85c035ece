import { Client } from 'pg';
import { applicant, event, expectOk, reviewerPool, User } from './helpers/applications';
import { backend, bootTestApp, TestApp, userWithToken } from './helpers/test-app';

/** A multipart body with one file in the field `file`. */
function multipart(filename: string, content: Buffer, contentType = 'application/octet-stream') {
  const boundary = '----cultivation' + Date.now();
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe('application documents and a reviewer pool that is too small', () => {
  let t: TestApp;
  let cw: User;
  beforeAll(async () => {
    // This bureau requires an audit report with every high-tech application.
    t = await bootTestApp({ REQUIRED_DOCUMENTS_HIGH_TECH: 'audit_report' });
    cw = await userWithToken(t, 'caseworker');
  });
  afterAll(() => t.close());

  const upload = (appId: string, token: string, filename: string, content: Buffer, documentType = 'audit_report') => {
    const { body, headers } = multipart(filename, content);
    return t.http.request(
      'POST',
      `/api/applications/${appId}/attachments?documentType=${documentType}`,
      body,
      token,
      headers,
    );
  };

  it('refuses SUBMIT while a required document is missing, then accepts it once uploaded', async () => {
    const { enterprise, user } = await applicant(t, cw);
    const app = await expectOk(
      await t.http.post('/api/applications', { enterpriseId: enterprise.id, targetTier: 'high_tech' }, user.token),
    );
    const refused = await event(t, app.id, { type: 'SUBMIT' }, user.token);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'REQUIRED_DOCUMENT_MISSING', missing: ['audit_report'] });

    expect((await upload(app.id, user.token, 'report.exe', Buffer.from('MZ'))).statusCode).toBe(415);
    expect((await upload(app.id, user.token, 'report.pdf', Buffer.from('not a pdf'))).statusCode).toBe(415);
    expect((await upload(app.id, user.token, 'report.pdf', PDF, 'Bad Type')).statusCode).toBe(400);
    const stored = await upload(app.id, user.token, '2025年审计报告.pdf', PDF);
    expect(stored.statusCode).toBe(201);
    expect(stored.json()).toMatchObject({
      documentType: 'audit_report',
      contentType: 'application/pdf',
      size: PDF.length,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(stored.json().storagePath).toBeUndefined();

    const list = (await t.http.get(`/api/applications/${app.id}/attachments`, cw.token)).json();
    expect(list.total).toBe(1);
    const download = await t.http.get(`/api/applications/${app.id}/attachments/${stored.json().id}`, user.token);
    expect(download.statusCode).toBe(200);
    expect(download.headers['x-checksum-sha256']).toBe(stored.json().sha256);
    expect(Buffer.from(download.body, 'latin1').subarray(0, 5).toString()).toBe('%PDF-');

    expect((await event(t, app.id, { type: 'SUBMIT' }, user.token)).json().state).toBe('submitted');
    // Once submitted, the documents are pinned.
    expect((await upload(app.id, user.token, 'more.pdf', PDF)).json().code).toBe('APPLICATION_LOCKED');
    const other = await applicant(t, cw);
    expect((await t.http.get(`/api/applications/${app.id}/attachments`, other.user.token)).statusCode).toBe(404);
  });

  // SQLite runs one writer at a time, so the race exists only on PostgreSQL.
  (backend() === 'postgres' ? it : it.skip)(
    'an upload racing a SUBMIT waits for it and, the SUBMIT committed, is refused (no document added after submission)',
    async () => {
      const { enterprise, user } = await applicant(t, cw);
      const app = await expectOk(
        await t.http.post('/api/applications', { enterpriseId: enterprise.id, targetTier: 'high_tech' }, user.token),
      );
      const submit = new Client({ connectionString: process.env.DATABASE_URL });
      await submit.connect();
      try {
        // What a SUBMIT's version-checked write does to the row, not yet committed.
        await submit.query('BEGIN');
        await submit.query(`UPDATE applications SET state = 'submitted', version = version + 1 WHERE id = $1`, [
          app.id,
        ]);
        const racing = upload(app.id, user.token, 'late.pdf', PDF);
        // The upload's FOR SHARE read waits for the row (without it, it reads the draft and adds the document).
        const waiting = async () =>
          Number(
            (
              await submit.query(
                `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
              )
            ).rows[0].n,
          );
        for (let i = 0; i < 100 && (await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
        expect(await waiting()).toBe(1);
        await submit.query('COMMIT');
        const answer = await racing;
        expect(answer.statusCode).toBe(409);
        expect(answer.json().code).toBe('APPLICATION_LOCKED');
      } finally {
        await submit.end();
      }
      expect((await t.http.get(`/api/applications/${app.id}/attachments`, cw.token)).json().total).toBe(0);
    },
  );

  it('fails the panel draw clearly when the pool cannot satisfy the rules, and succeeds once it can', async () => {
    const { enterprise, user } = await applicant(t, cw);
    const app = await expectOk(
      await t.http.post('/api/applications', { enterpriseId: enterprise.id, targetTier: 'high_tech' }, user.token),
    );
    await expectOk(await upload(app.id, user.token, 'audit.pdf', PDF));
    await expectOk(await event(t, app.id, { type: 'SUBMIT' }, user.token));
    await expectOk(await event(t, app.id, { type: 'ACCEPT' }, cw.token));
    await reviewerPool(t, 4, 0);
    const noFinance = await event(t, app.id, { type: 'DRAW_PANEL' }, cw.token);
    expect(noFinance.statusCode).toBe(409);
    expect(noFinance.json()).toMatchObject({ code: 'PANEL_POOL_TOO_SMALL', message: expect.stringMatching(/finance/) });
    const [finance] = await reviewerPool(t, 0, 1);
    // The only finance expert declares an affiliation with the enterprise: still too small.
    expect(
      (await t.http.post('/api/reviewers/me/conflicts', { enterpriseId: enterprise.id, reason: '持股' }, finance.token))
        .statusCode,
    ).toBe(201);
    expect((await event(t, app.id, { type: 'DRAW_PANEL' }, cw.token)).json().code).toBe('PANEL_POOL_TOO_SMALL');
    // Declaring it again, twice at once, keeps the one declaration.
    const again = await Promise.all(
      [1, 2].map(() =>
        t.http.post('/api/reviewers/me/conflicts', { enterpriseId: enterprise.id, reason: '持股' }, finance.token),
      ),
    );
    expect(again.map((r) => r.statusCode)).toEqual([201, 201]);
    const mine = (await t.http.get('/api/reviewers/me/conflicts', finance.token)).json();
    expect(mine.total).toBe(1);
    expect(again.map((r) => r.json().id)).toEqual([mine.items[0].id, mine.items[0].id]);
    await reviewerPool(t, 0, 1);
    const drawn = await expectOk(await event(t, app.id, { type: 'DRAW_PANEL' }, cw.token));
    expect(drawn.panel.map((m: { reviewerId: string }) => m.reviewerId)).not.toContain(finance.id);
  });
});
