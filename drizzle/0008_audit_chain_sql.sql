-- The audit hash chain (SECURITY.md, "Audit chain"): each row's hash = SHA-256(prev_hash || canonical row),
-- computed here in SQL on the values exactly as stored, and re-checked by an independent implementation in
-- lib/audit/canonical.ts (`npm run audit:verify`).

-- A jsonb value as canonical JSON: no whitespace, object keys in code-point order (byte order of UTF-8,
-- COLLATE "C"), strings escaped as JSON.stringify does, numbers as PostgreSQL prints them.
CREATE OR REPLACE FUNCTION audit_canonical_json(v jsonb) RETURNS text AS $$
BEGIN
  IF v IS NULL THEN
    RETURN 'null';
  END IF;
  CASE jsonb_typeof(v)
    WHEN 'object' THEN
      RETURN '{' || coalesce((SELECT string_agg(to_jsonb(k)::text || ':' || audit_canonical_json(v -> k), ',' ORDER BY k COLLATE "C") FROM jsonb_object_keys(v) AS k), '') || '}';
    WHEN 'array' THEN
      RETURN '[' || coalesce((SELECT string_agg(audit_canonical_json(e), ',' ORDER BY i) FROM jsonb_array_elements(v) WITH ORDINALITY AS a(e, i)), '') || ']';
    ELSE
      RETURN v::text;
  END CASE;
END;
$$ LANGUAGE plpgsql IMMUTABLE;
--> statement-breakpoint
-- The canonical content of one row: a JSON array of its fields in this fixed order (version tag first).
CREATE OR REPLACE FUNCTION audit_canonical(
  seq bigint, created_at timestamptz, action text,
  actor_id uuid, actor_email text, actor_name text, actor_role text,
  subject_id uuid, subject_email text, subject_name text, subject_role text,
  reason text, metadata jsonb, ip text, user_agent text
) RETURNS text AS $$
  SELECT '["audit-v1",' || seq::text || ','
    || to_jsonb(to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text || ','
    || coalesce(to_jsonb(action)::text, 'null') || ','
    || coalesce(to_jsonb(actor_id::text)::text, 'null') || ','
    || coalesce(to_jsonb(actor_email)::text, 'null') || ','
    || coalesce(to_jsonb(actor_name)::text, 'null') || ','
    || coalesce(to_jsonb(actor_role)::text, 'null') || ','
    || coalesce(to_jsonb(subject_id::text)::text, 'null') || ','
    || coalesce(to_jsonb(subject_email)::text, 'null') || ','
    || coalesce(to_jsonb(subject_name)::text, 'null') || ','
    || coalesce(to_jsonb(subject_role)::text, 'null') || ','
    || coalesce(to_jsonb(reason)::text, 'null') || ','
    || audit_canonical_json(metadata) || ','
    || coalesce(to_jsonb(ip)::text, 'null') || ','
    || coalesce(to_jsonb(user_agent)::text, 'null') || ']'
$$ LANGUAGE sql STABLE;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_chain_hash(prev_hash text, canonical text) RETURNS text AS $$
  SELECT encode(sha256(convert_to(prev_hash || canonical, 'UTF8')), 'hex')
$$ LANGUAGE sql IMMUTABLE;
--> statement-breakpoint
-- Backfill: the rows written before the chain existed are chained once, here, in id order (their insert
-- order). Their snapshots come from the users as they are at migration time: the best that is known. The
-- table owner lifts the append-only trigger for this one transaction only; it is back before the commit.
ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete;
--> statement-breakpoint
DO $$
DECLARE
  r record;
  prev text := repeat('0', 64);
  h text;
  n bigint := 0;
BEGIN
  FOR r IN
    SELECT e.id, e.action, e.actor_id, e.subject_id, e.reason, e.metadata, e.ip, e.user_agent,
           date_trunc('milliseconds', e.created_at) AS created_at,
           a.email AS actor_email, a.name AS actor_name, a.role AS actor_role,
           s.email AS subject_email, s.name AS subject_name, s.role AS subject_role
    FROM audit_events e
    LEFT JOIN users a ON a.id = e.actor_id
    LEFT JOIN users s ON s.id = e.subject_id
    ORDER BY e.id
  LOOP
    n := n + 1;
    h := audit_chain_hash(prev, audit_canonical(n, r.created_at, r.action, r.actor_id, r.actor_email, r.actor_name, r.actor_role,
      r.subject_id, r.subject_email, r.subject_name, r.subject_role, r.reason, r.metadata, r.ip, r.user_agent));
    UPDATE audit_events SET seq = n, prev_hash = prev, hash = h, created_at = r.created_at,
      actor_email = r.actor_email, actor_name = r.actor_name, actor_role = r.actor_role,
      subject_email = r.subject_email, subject_name = r.subject_name, subject_role = r.subject_role
    WHERE id = r.id;
    prev := h;
  END LOOP;
  INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, n, prev);
END;
$$;
--> statement-breakpoint
ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete;
