-- Submission guarantees: dedup lookups, idempotency keys, artifacts (for dedup's "artifact still
-- exists"), and active-job counters kept by triggers so quota checks are three key lookups.

CREATE INDEX jobs_dedup ON jobs (dedup_key, id) WHERE dedup_key IS NOT NULL;

CREATE TABLE artifacts (
  job_id     INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  path       TEXT    NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256     TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

-- Kept for their own lifetime, independent of the job (no foreign key): a replay after the job was
-- deleted still answers what the first call answered.
CREATE TABLE idempotency_keys (
  owner       TEXT    NOT NULL,
  key         TEXT    NOT NULL,
  fingerprint TEXT    NOT NULL,   -- SHA-256 of method, path and canonical body
  status      INTEGER NOT NULL,
  location    TEXT,
  body        TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  PRIMARY KEY (owner, key)
) WITHOUT ROWID;

CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

CREATE TABLE active_counts (
  scope  TEXT    NOT NULL,        -- 'all', 'owner' or 'tool'
  name   TEXT    NOT NULL,
  active INTEGER NOT NULL,
  PRIMARY KEY (scope, name)
) WITHOUT ROWID;

INSERT INTO active_counts SELECT 'all', '', count(*) FROM jobs WHERE state IN (1, 2, 3, 4);
INSERT INTO active_counts SELECT 'owner', owner, count(*) FROM jobs WHERE state IN (1, 2, 3, 4) GROUP BY owner;
INSERT INTO active_counts SELECT 'tool', tool, count(*) FROM jobs WHERE state IN (1, 2, 3, 4) GROUP BY tool;

CREATE TRIGGER jobs_active_on_insert AFTER INSERT ON jobs WHEN NEW.state IN (1, 2, 3, 4)
BEGIN
  INSERT INTO active_counts VALUES ('all', '', 1) ON CONFLICT DO UPDATE SET active = active + 1;
  INSERT INTO active_counts VALUES ('owner', NEW.owner, 1) ON CONFLICT DO UPDATE SET active = active + 1;
  INSERT INTO active_counts VALUES ('tool', NEW.tool, 1) ON CONFLICT DO UPDATE SET active = active + 1;
END;

CREATE TRIGGER jobs_active_on_leave AFTER UPDATE OF state ON jobs
  WHEN OLD.state IN (1, 2, 3, 4) AND NEW.state NOT IN (1, 2, 3, 4)
BEGIN
  UPDATE active_counts SET active = active - 1
  WHERE (scope = 'all' AND name = '') OR (scope = 'owner' AND name = OLD.owner) OR (scope = 'tool' AND name = OLD.tool);
END;

CREATE TRIGGER jobs_active_on_enter AFTER UPDATE OF state ON jobs
  WHEN OLD.state NOT IN (1, 2, 3, 4) AND NEW.state IN (1, 2, 3, 4)
BEGIN
  INSERT INTO active_counts VALUES ('all', '', 1) ON CONFLICT DO UPDATE SET active = active + 1;
  INSERT INTO active_counts VALUES ('owner', NEW.owner, 1) ON CONFLICT DO UPDATE SET active = active + 1;
  INSERT INTO active_counts VALUES ('tool', NEW.tool, 1) ON CONFLICT DO UPDATE SET active = active + 1;
END;

CREATE TRIGGER jobs_active_on_delete AFTER DELETE ON jobs WHEN OLD.state IN (1, 2, 3, 4)
BEGIN
  UPDATE active_counts SET active = active - 1
  WHERE (scope = 'all' AND name = '') OR (scope = 'owner' AND name = OLD.owner) OR (scope = 'tool' AND name = OLD.tool);
END;
