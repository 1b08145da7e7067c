-- Slurm allocations the coordinator asked for (issue 17, README "HPC"): one row per sbatch, written before it is
-- submitted (slurm_job_id NULL until sbatch answers), so a coordinator restarted after a crash finds every
-- allocation it may have queued and neither submits duplicates nor leaks them. `state` is the allocation's state as
-- EdgeJobs names it (pending, running, ended, failed, cancelled); `slurm_state` Slurm's last word on it (PENDING,
-- RUNNING, COMPLETED, TIMEOUT, ...). `token_id` is the one-time agent token minted for it, revoked when it ends.
-- Times are Unix milliseconds.
CREATE TABLE slurm_allocations (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  queue        TEXT    NOT NULL,
  slurm_job_id INTEGER,
  state        TEXT    NOT NULL,
  slurm_state  TEXT,
  workers      INTEGER NOT NULL,
  token_id     INTEGER,
  reason       TEXT,
  submitted_at INTEGER NOT NULL,
  started_at   INTEGER,
  ended_at     INTEGER
);

CREATE INDEX slurm_allocations_open ON slurm_allocations (queue) WHERE ended_at IS NULL;
