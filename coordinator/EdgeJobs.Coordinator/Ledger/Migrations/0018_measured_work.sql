-- Measured work (design §8.5; README "Credits"): what a paying job's credits settle from.
--
-- The agent's CPU time of a job's last ended attempt, as the agent measured it (its part of the agent's CPU while the
-- attempt ran); NULL from agents that do not measure it, whose jobs settle from wall seconds instead.
ALTER TABLE jobs ADD COLUMN cpu_ms INTEGER;
ALTER TABLE job_registrations ADD COLUMN cpu_seconds REAL;

-- A completed job's open reservation outlives the job when the job is deleted before anyone registers it: the
-- sweeper settles it then from what the job measured, copied here as the row goes (the wall time as MeasuredWorkOf
-- computes it) (a job cannot be deleted while
-- active, and a job that ended any other way released its reservation already). The job's tool prices it.
ALTER TABLE credit_reservations ADD COLUMN tool TEXT;
ALTER TABLE credit_reservations ADD COLUMN wall_ms INTEGER;
ALTER TABLE credit_reservations ADD COLUMN cpu_ms INTEGER;
ALTER TABLE credit_reservations ADD COLUMN output_bytes INTEGER;
CREATE INDEX credit_reservations_open ON credit_reservations (job_id) WHERE settled_at IS NULL;

-- BEFORE: the artifact's row goes with the job (ON DELETE CASCADE), so its size is read while it is still there.
CREATE TRIGGER jobs_paying_on_delete BEFORE DELETE ON jobs WHEN OLD.workspace IS NOT NULL
BEGIN
  UPDATE credit_reservations
  SET tool = OLD.tool,
      wall_ms = MAX(0, COALESCE(OLD.finished_at - OLD.attempt_started_at, 0)),
      cpu_ms = OLD.cpu_ms,
      output_bytes = COALESCE((SELECT size_bytes FROM artifacts WHERE job_id = OLD.id), 0)
  WHERE job_id = OLD.id AND settled_at IS NULL;
END;
