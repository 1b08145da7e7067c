-- The first ledger schema. Times are Unix milliseconds (UTC); states and reasons are the frozen
-- integers of JobState and EventReason.

CREATE TABLE jobs (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: ids are never reused, cursors stay valid
  tool             TEXT    NOT NULL,
  tool_version     TEXT    NOT NULL,
  state            INTEGER NOT NULL,
  params           TEXT    NOT NULL,                   -- canonical JSON
  priority         INTEGER NOT NULL DEFAULT 0,
  owner            TEXT    NOT NULL,
  attempt          INTEGER NOT NULL DEFAULT 0,         -- attempts accepted by an agent so far
  max_attempts     INTEGER NOT NULL,
  timeout_ms       INTEGER,
  timed_out        INTEGER NOT NULL DEFAULT 0,
  fence            INTEGER NOT NULL DEFAULT 0,         -- grows on every grant; agents' writes must carry it
  lease_node_id    INTEGER,                            -- node holding the offer (scheduled) or lease (active)
  lease_expires_at INTEGER,
  not_before       INTEGER NOT NULL DEFAULT 0,         -- retry backoff: not granted before this time
  node_id          INTEGER,                            -- node of the latest accepted attempt
  progress_percent REAL,
  progress_phase   TEXT,
  error_code       TEXT,
  error_message    TEXT,
  error_retryable  INTEGER,
  event_seq        INTEGER NOT NULL DEFAULT 0,
  log_seq          INTEGER NOT NULL DEFAULT 0,         -- last log line number, monotonic across attempts
  log_first_seq    INTEGER NOT NULL DEFAULT 1,         -- oldest line still kept
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  started_at       INTEGER,
  finished_at      INTEGER,
  campaign_id      INTEGER,
  parent_id        INTEGER,
  dedup_key        TEXT
);

CREATE INDEX jobs_ready ON jobs (priority DESC, id) WHERE state = 1;
CREATE INDEX jobs_state ON jobs (state, id);
CREATE INDEX jobs_lease_expiry ON jobs (lease_expires_at) WHERE lease_expires_at IS NOT NULL;
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX jobs_owner ON jobs (owner, id);

CREATE TABLE job_events (
  job_id        INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq           INTEGER NOT NULL,
  at            INTEGER NOT NULL,
  from_state    INTEGER,
  to_state      INTEGER NOT NULL,
  reason        INTEGER NOT NULL,
  node_id       INTEGER,
  attempt       INTEGER NOT NULL,
  fence         INTEGER NOT NULL,
  error_code    TEXT,
  error_message TEXT,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;

CREATE TABLE job_logs (
  job_id  INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq     INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  at      INTEGER NOT NULL,
  line    TEXT    NOT NULL,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;

CREATE TABLE nodes (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  node_key          TEXT    NOT NULL UNIQUE,            -- persisted on the node, presented in the hello
  name              TEXT    NOT NULL,
  labels            TEXT    NOT NULL DEFAULT '{}',
  tools             TEXT    NOT NULL DEFAULT '[]',
  slots             INTEGER NOT NULL DEFAULT 0,
  draining          INTEGER NOT NULL DEFAULT 0,
  last_heartbeat_at INTEGER,
  registered_at     INTEGER NOT NULL
);

CREATE TABLE tokens (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT    NOT NULL UNIQUE,
  hash       TEXT    NOT NULL UNIQUE,                   -- SHA-256 of the secret (hex); the secret is never stored
  scopes     TEXT    NOT NULL,                          -- comma list
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
