-- Recipes (design §8.3): a job that runs a DAG of steps.
--
-- A recipe job is a row of jobs like any other (its id, owner, org, state, events), with tool 'recipe'; no agent
-- runs that tool, so it is never offered. Each step runs as a job of its own, a "step job": parent_id is the recipe
-- job and step_id the step, so leases, fences, retries, stops, logs and artifacts are the ones every job has. A step
-- job is made when its step becomes runnable (every step it depends on completed), in the transaction that
-- completed the last of them; the recipe job ends in the transaction that ended its last step.

-- A recipe job that ended with some steps failed while steps independent of them completed.
INSERT INTO job_states VALUES (8, 'partial', 0, 1, 0);

-- The step a step job runs (NULL for every other job). Step jobs are listed under their recipe job, not in the
-- job lists, and leave the ledger with it (the ledger deletes them with it, returning their ids: their artifact
-- files go too).
ALTER TABLE jobs ADD COLUMN step_id TEXT;
CREATE INDEX jobs_steps ON jobs (parent_id) WHERE step_id IS NOT NULL;

-- Stored recipes: versions are immutable, so a job that names one runs what was stored.
CREATE TABLE recipes (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  org        TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  version    TEXT    NOT NULL,
  definition TEXT    NOT NULL,   -- canonical JSON {name, version, steps}
  owner      TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (org, name, version)
);

-- What a recipe job was asked to do, besides its params (jobs.params, keyed by step id).
CREATE TABLE job_recipes (
  job_id          INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  recipe_id       INTEGER,                -- the stored recipe; NULL for an inline one
  name            TEXT    NOT NULL,
  inputs          TEXT    NOT NULL,       -- JSON object: input name -> path
  outputs         TEXT    NOT NULL,       -- JSON object: "step:ID.output" -> path
  on_exit_url     TEXT,
  total_steps     INTEGER NOT NULL,
  ended_steps     INTEGER NOT NULL DEFAULT 0,   -- completed, failed or skipped
  completed_steps INTEGER NOT NULL DEFAULT 0,
  fail_fast       INTEGER NOT NULL DEFAULT 0, -- a step without continue_on_failure failed: the rest was stopped
  -- The on_exit webhook, once the job has ended: 1 due, 2 delivered, 3 given up (its failure never changes the job).
  on_exit_status   INTEGER,
  on_exit_attempts INTEGER NOT NULL DEFAULT 0,
  on_exit_due_at   INTEGER,
  on_exit_error    TEXT
);

CREATE INDEX job_recipes_on_exit_due ON job_recipes (on_exit_due_at) WHERE on_exit_status = 1;

-- One row per step of a recipe job. state: 1 pending, 2 running, 3 completed, 4 failed, 5 skipped (StepState).
CREATE TABLE job_steps (
  job_id              INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  step_id             TEXT    NOT NULL,
  position            INTEGER NOT NULL,   -- order in the recipe
  tool                TEXT    NOT NULL,
  tool_version        TEXT    NOT NULL,
  params              TEXT    NOT NULL,   -- canonical; "step:ID.output" references stay as they are
  depends_on          TEXT    NOT NULL,   -- JSON array of step ids
  dependents          TEXT    NOT NULL,   -- JSON array of step ids that depend on this one
  waiting_on          INTEGER NOT NULL,   -- steps it depends on that have not completed yet
  max_attempts        INTEGER NOT NULL,
  timeout_ms          INTEGER,
  continue_on_failure INTEGER NOT NULL,
  state               INTEGER NOT NULL,
  step_job_id         INTEGER,            -- the job running it, once runnable
  started_at          INTEGER,
  finished_at         INTEGER,
  error_code          TEXT,
  error_message       TEXT,
  PRIMARY KEY (job_id, step_id)
) WITHOUT ROWID;
