-- The active-count triggers run on every insert and every state change. Written with `state IN (1, 2, 3, 4)`
-- and an OR of three scopes they built and dropped a temporary B-tree for each IN list and each OR, on
-- every job update, even when their WHEN was false: a measurable share of the ledger writer's time.
-- The same rules with range tests (active states are 1-4) and one statement per scope need none.
DROP TRIGGER jobs_active_on_insert;
DROP TRIGGER jobs_active_on_leave;
DROP TRIGGER jobs_active_on_enter;
DROP TRIGGER jobs_active_on_delete;

CREATE TRIGGER jobs_active_on_insert AFTER INSERT ON jobs WHEN NEW.state BETWEEN 1 AND 4
BEGIN
  INSERT INTO active_counts VALUES ('all', '', 1) ON CONFLICT DO UPDATE SET active = active + 1;
  INSERT INTO active_counts VALUES ('owner', NEW.owner, 1) ON CONFLICT DO UPDATE SET active = active + 1;
  INSERT INTO active_counts VALUES ('tool', NEW.tool, 1) ON CONFLICT DO UPDATE SET active = active + 1;
END;

CREATE TRIGGER jobs_active_on_leave AFTER UPDATE OF state ON jobs
  WHEN OLD.state BETWEEN 1 AND 4 AND NEW.state NOT BETWEEN 1 AND 4
BEGIN
  UPDATE active_counts SET active = active - 1 WHERE scope = 'all' AND name = '';
  UPDATE active_counts SET active = active - 1 WHERE scope = 'owner' AND name = OLD.owner;
  UPDATE active_counts SET active = active - 1 WHERE scope = 'tool' AND name = OLD.tool;
END;

CREATE TRIGGER jobs_active_on_enter AFTER UPDATE OF state ON jobs
  WHEN OLD.state NOT BETWEEN 1 AND 4 AND NEW.state BETWEEN 1 AND 4
BEGIN
  INSERT INTO active_counts VALUES ('all', '', 1) ON CONFLICT DO UPDATE SET active = active + 1;
  INSERT INTO active_counts VALUES ('owner', NEW.owner, 1) ON CONFLICT DO UPDATE SET active = active + 1;
  INSERT INTO active_counts VALUES ('tool', NEW.tool, 1) ON CONFLICT DO UPDATE SET active = active + 1;
END;

CREATE TRIGGER jobs_active_on_delete AFTER DELETE ON jobs WHEN OLD.state BETWEEN 1 AND 4
BEGIN
  UPDATE active_counts SET active = active - 1 WHERE scope = 'all' AND name = '';
  UPDATE active_counts SET active = active - 1 WHERE scope = 'owner' AND name = OLD.owner;
  UPDATE active_counts SET active = active - 1 WHERE scope = 'tool' AND name = OLD.tool;
END;
