-- Progress per output a job writes (GET /v1/jobs/{id}/progress): one row per job and output name, written
-- in the transaction that applies the agent's heartbeat or finish, so it costs no sync of its own and
-- survives a restart like the job's percent. A row belongs to the attempt that wrote it; a retry's rows
-- replace it by name, and reads show only the job's current attempt, so a retry starts from nothing
-- without a delete on the accept path. Rows go with their job (ON DELETE CASCADE).
CREATE TABLE job_outputs (
  job_id        INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  name          TEXT    NOT NULL,
  attempt       INTEGER NOT NULL,
  bytes_written INTEGER NOT NULL,
  blocks_done   INTEGER NOT NULL,
  blocks_total  INTEGER,            -- NULL: the tool cannot tell
  files         INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,   -- last change, coordinator clock
  PRIMARY KEY (job_id, name)
) WITHOUT ROWID;
