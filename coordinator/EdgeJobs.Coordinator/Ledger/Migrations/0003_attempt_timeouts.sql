-- Job timeouts count per attempt: a retry gets a fresh timeout.
ALTER TABLE jobs ADD COLUMN attempt_started_at INTEGER;
CREATE INDEX jobs_timeouts ON jobs (attempt_started_at) WHERE timeout_ms IS NOT NULL AND state = 2;
