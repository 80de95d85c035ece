-- One RETURN transition as the API sends it to PostgreSQL (see transition-write.sh): the read of the application
-- with its deadlines, then the version-checked UPDATE with its audit, outbox, deadline and notification rows in one
-- statement, the shape `src/state/transition-sql.ts` writes. Values are literals of the same sizes as the API's
-- (the snapshot 430 characters, the payloads as sent); pgbench reads `:word` inside literals as variables, so the
-- JSON texts are stood in for by repeat(). The state flips between returned and submitted, so every replay changes
-- the state as every transition does, and the counter trigger writes its two delta rows (writing 'returned' over
-- 'returned' from the second pass on moved no counter, and measured about 0.07 ms less than the real thing).
\set n random(1, :ids)
SELECT a.id AS aid, a.version AS ver, a.enterprise_id AS eid, a.snapshot, a.evaluation, d.kind, d.status
  FROM applications a LEFT JOIN application_deadlines d ON d.application_id = a.id
 WHERE a.id = (SELECT id FROM bench_transition_ids WHERE n = :n) LIMIT 1 \gset
WITH upd AS (
  UPDATE applications SET notice_ends_on = NULL,
         state = CASE WHEN state = 'returned' THEN 'submitted' ELSE 'returned' END, snapshot = repeat('s', 430), machine_version = 1,
         updated_at = now(), version = version + 1
   WHERE id = :aid AND version = :ver
  RETURNING id, state, snapshot, machine_id, machine_version, version, created_at, updated_at, enterprise_id,
            target_tier, assignee_id, notice_ends_on, evaluation, created_by, certification_id),
w0 AS (INSERT INTO audit_events (id, entity_type, entity_id, event, from_state, to_state, actor_id, at, payload)
       SELECT CAST(gen_random_uuid() AS text), 'application', :aid, 'RETURN', 'submitted', 'returned',
              'bench-caseworker', now(), repeat('p', 40) FROM upd),
w1 AS (INSERT INTO outbox_events (id, topic, aggregate_type, aggregate_id, payload, created_at, enqueued_at,
                                  processed_at, attempts, last_error)
       SELECT CAST(gen_random_uuid() AS text), 'application.returned', 'application', :aid, repeat('o', 120), now(),
              NULL, NULL, 0, NULL FROM upd),
w2 AS (INSERT INTO application_deadlines (id, application_id, kind, status, started_on, due_on, remaining_days,
                                          met_on, reminded_for, updated_at)
       SELECT CAST(gen_random_uuid() AS text), :aid, 'completion', 'open', '2026-11-21', '2026-12-21', NULL, NULL,
              NULL, now() FROM upd
       ON CONFLICT (application_id, kind) DO UPDATE SET status = EXCLUDED.status, started_on = EXCLUDED.started_on,
          due_on = EXCLUDED.due_on, remaining_days = EXCLUDED.remaining_days, met_on = EXCLUDED.met_on,
          reminded_for = EXCLUDED.reminded_for, updated_at = EXCLUDED.updated_at),
w3 AS (INSERT INTO notifications (id, user_id, kind, dedupe_key, payload, created_at, read_at)
       SELECT CAST(gen_random_uuid() AS text), u.id, 'application.returned', CAST(gen_random_uuid() AS text),
              repeat('n', 150), now(), NULL FROM users u, upd WHERE u.active AND u.enterprise_id = :eid
       ON CONFLICT (user_id, dedupe_key) DO NOTHING)
SELECT * FROM upd;
