-- Workspaces with credit balances, projects with members, and held jobs (design §8.1, §8.5; README "Credits").
--
-- A held job (state 9) was made but not scheduled: `dispatch` schedules it. It is active (it counts against the
-- quotas, may not be deleted, a repeat submit finds it) but nobody leases it.
INSERT INTO job_states VALUES (9, 'held', 1, 0, 0);

-- The workspace a job spends from, and the project it belongs to (both of the job's org); NULL for neither.
ALTER TABLE jobs ADD COLUMN workspace TEXT;
ALTER TABLE jobs ADD COLUMN project TEXT;
CREATE INDEX jobs_workspace ON jobs (org, workspace, id) WHERE workspace IS NOT NULL;
CREATE INDEX jobs_project ON jobs (org, project, id) WHERE project IS NOT NULL;

-- Amounts are millicredits (integers: sums are exact). `balance` is what the workspace holds; `reserved` the part of it
-- held for jobs not yet settled. What may still be reserved is balance - reserved, which never goes below zero: every
-- reservation and every downward adjustment checks it in the writer's transaction that makes it.
CREATE TABLE workspaces (
  org        TEXT    NOT NULL,
  id         TEXT    NOT NULL,
  title      TEXT,
  balance    INTEGER NOT NULL,
  reserved   INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  created_by TEXT    NOT NULL,
  PRIMARY KEY (org, id),
  CHECK (reserved >= 0 AND balance >= reserved)
) WITHOUT ROWID;

-- Every movement, append-only: grant and adjust (an admin's, with why), reserve (a job's estimate, at its submit),
-- settle (what its measured work cost, at register) and release (what was reserved and not spent). `amount` moves the
-- balance, `reserved_delta` the reservations; the row carries both totals after it, so the trail can be audited alone.
CREATE TABLE credit_events (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  org            TEXT    NOT NULL,
  workspace      TEXT    NOT NULL,
  at             INTEGER NOT NULL,
  kind           TEXT    NOT NULL,
  amount         INTEGER NOT NULL,
  reserved_delta INTEGER NOT NULL,
  balance_after  INTEGER NOT NULL,
  reserved_after INTEGER NOT NULL,
  job_id         INTEGER,
  actor          TEXT    NOT NULL,
  reason         TEXT
);
CREATE INDEX credit_events_workspace ON credit_events (org, workspace, seq);

CREATE TRIGGER credit_events_append_only_update BEFORE UPDATE ON credit_events
BEGIN SELECT RAISE(ABORT, 'credit events are append-only'); END;
CREATE TRIGGER credit_events_append_only_delete BEFORE DELETE ON credit_events
BEGIN SELECT RAISE(ABORT, 'credit events are append-only'); END;

-- One per job that reserved credits: open (`settled_at` NULL) until register settles it or the job's end releases it.
-- No foreign key to jobs: a deleted job's reservation stays as its record.
CREATE TABLE credit_reservations (
  job_id     INTEGER PRIMARY KEY,
  org        TEXT    NOT NULL,
  workspace  TEXT    NOT NULL,
  amount     INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  settled_at INTEGER,
  charged    INTEGER,
  outcome    TEXT
);

-- What register recorded for a job: the outputs the caller named and the measured work settled from.
CREATE TABLE job_registrations (
  job_id         INTEGER PRIMARY KEY,
  outputs        TEXT    NOT NULL,
  seconds        REAL    NOT NULL,
  output_bytes   INTEGER NOT NULL,
  charged        INTEGER NOT NULL,
  registered_at  INTEGER NOT NULL,
  registered_by  TEXT    NOT NULL
);

CREATE TABLE projects (
  org        TEXT    NOT NULL,
  id         TEXT    NOT NULL,
  title      TEXT,
  created_at INTEGER NOT NULL,
  created_by TEXT    NOT NULL,
  PRIMARY KEY (org, id)
) WITHOUT ROWID;

-- A member is a token (by name, as jobs record their owner); a member reads every job of the project.
CREATE TABLE project_members (
  org      TEXT    NOT NULL,
  project  TEXT    NOT NULL,
  member   TEXT    NOT NULL,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (org, project, member)
) WITHOUT ROWID;
