-- Two things every later feature needs.
--
-- 1. The job states as a table, so SQL names the sets it means instead of assuming their numbers: the
--    active-count triggers, the duplicate lookup, deletes and metrics said `state BETWEEN 1 AND 4`, which
--    silently counts a future active state (say a held job, numbered 8) as inactive. Each set is a flag here;
--    a state added later is a row added by its own migration, and PersistedNumbersTests fails until it is.
--    The lookups are by primary key in a one-page table: no temporary B-tree (QueryPlanTests pins it).
CREATE TABLE job_states (
  state    INTEGER PRIMARY KEY,
  name     TEXT    NOT NULL UNIQUE,
  active   INTEGER NOT NULL,   -- counts against the quotas; may not be deleted; a submit can repeat it
  terminal INTEGER NOT NULL,   -- finished for good: deletable, its artifact downloadable
  leased   INTEGER NOT NULL    -- an agent holds it under a lease
);
INSERT INTO job_states VALUES
  (1, 'scheduled',      1, 0, 0),
  (2, 'running',        1, 0, 1),
  (3, 'stop_requested', 1, 0, 1),
  (4, 'stopping',       1, 0, 1),
  (5, 'stopped',        0, 1, 0),
  (6, 'completed',      0, 1, 0),
  (7, 'failed',         0, 1, 0);

DROP TRIGGER jobs_active_on_insert;
DROP TRIGGER jobs_active_on_leave;
DROP TRIGGER jobs_active_on_enter;
DROP TRIGGER jobs_active_on_delete;

CREATE TRIGGER jobs_active_on_insert AFTER INSERT ON jobs
  WHEN (SELECT active FROM job_states WHERE state = NEW.state)
BEGIN
  INSERT INTO active_counts VALUES ('all', '', 1) ON CONFLICT DO UPDATE SET active = active + 1;
  INSERT INTO active_counts VALUES ('owner', NEW.owner, 1) ON CONFLICT DO UPDATE SET active = active + 1;
  INSERT INTO active_counts VALUES ('tool', NEW.tool, 1) ON CONFLICT DO UPDATE SET active = active + 1;
END;

CREATE TRIGGER jobs_active_on_leave AFTER UPDATE OF state ON jobs
  WHEN (SELECT active FROM job_states WHERE state = OLD.state) AND NOT (SELECT active FROM job_states WHERE state = NEW.state)
BEGIN
  UPDATE active_counts SET active = active - 1 WHERE scope = 'all' AND name = '';
  UPDATE active_counts SET active = active - 1 WHERE scope = 'owner' AND name = OLD.owner;
  UPDATE active_counts SET active = active - 1 WHERE scope = 'tool' AND name = OLD.tool;
END;

CREATE TRIGGER jobs_active_on_enter AFTER UPDATE OF state ON jobs
  WHEN NOT (SELECT active FROM job_states WHERE state = OLD.state) AND (SELECT active FROM job_states WHERE state = NEW.state)
BEGIN
  INSERT INTO active_counts VALUES ('all', '', 1) ON CONFLICT DO UPDATE SET active = active + 1;
  INSERT INTO active_counts VALUES ('owner', NEW.owner, 1) ON CONFLICT DO UPDATE SET active = active + 1;
  INSERT INTO active_counts VALUES ('tool', NEW.tool, 1) ON CONFLICT DO UPDATE SET active = active + 1;
END;

CREATE TRIGGER jobs_active_on_delete AFTER DELETE ON jobs
  WHEN (SELECT active FROM job_states WHERE state = OLD.state)
BEGIN
  UPDATE active_counts SET active = active - 1 WHERE scope = 'all' AND name = '';
  UPDATE active_counts SET active = active - 1 WHERE scope = 'owner' AND name = OLD.owner;
  UPDATE active_counts SET active = active - 1 WHERE scope = 'tool' AND name = OLD.tool;
END;

-- 2. Tenancy. An org owns jobs (and later datasets, workspaces, projects); every job made before orgs existed
--    is in org 'default'. A token belongs to one org; NULL means global, which only the two tokens minted at
--    first start are (the operator's admin token and the agents' token): everything else was made with
--    `edgejobs token create` for a user of the one org there was.
ALTER TABLE jobs ADD COLUMN org TEXT NOT NULL DEFAULT 'default';
ALTER TABLE tokens ADD COLUMN org TEXT;
UPDATE tokens SET org = 'default' WHERE name NOT IN ('admin', 'agent');
CREATE INDEX jobs_org ON jobs (org, id);
