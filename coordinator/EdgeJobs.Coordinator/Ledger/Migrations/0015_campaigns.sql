-- Campaigns (design §8.4): sequential parent batches over one catalog, each spawning a child job per record.
--
-- A parent batch is a row of jobs with tool 'campaign-batch' that no agent runs: the coordinator reads the batch's page
-- of the catalog and, in one transaction, makes its children (parent_id = the batch, campaign_id = campaigns.num) and
-- records the page. The batch job ends in the transaction that ended its last child. Progress is answered from the
-- counters below, which every child's transition keeps, never by scanning children.

CREATE TABLE campaigns (
  num                     INTEGER PRIMARY KEY AUTOINCREMENT,  -- jobs.campaign_id of its batches and children
  id                      TEXT    NOT NULL UNIQUE,             -- the name clients use (a slug)
  org                     TEXT    NOT NULL,
  owner                   TEXT    NOT NULL,
  title                   TEXT,
  source                  TEXT    NOT NULL,   -- canonical JSON: where records come from
  template                TEXT    NOT NULL,   -- canonical JSON: the child job, with {record.*} placeholders
  variants                TEXT,               -- canonical JSON: the derived outputs each record should have
  total_children_hint     INTEGER,            -- campaign_total_children: what percent is of
  public                  INTEGER NOT NULL,   -- 1: the aggregate answers without a token
  next_start_position     INTEGER,            -- where the next batch starts; NULL once the catalog is exhausted
  batches                 INTEGER NOT NULL DEFAULT 0,
  total_children          INTEGER NOT NULL DEFAULT 0,
  active_batch            INTEGER,            -- the batch job that has not ended (one at a time)
  latest_batch            INTEGER,            -- the newest batch job
  created_at              INTEGER NOT NULL,
  first_activity_at       INTEGER,
  last_activity_at        INTEGER
);

CREATE INDEX campaigns_org ON campaigns (org, num);

-- Children per state: the row of the state a child leaves goes down and the row of the one it enters up, in the
-- child's own transition. Deleting a child's record leaves its campaign's counts as they were.
CREATE TABLE campaign_children (
  campaign INTEGER NOT NULL,
  state    INTEGER NOT NULL,
  n        INTEGER NOT NULL,
  at       INTEGER NOT NULL,   -- the last change: the campaign's last activity is the newest
  PRIMARY KEY (campaign, state)
) WITHOUT ROWID;

-- One row per parent batch. Not tied to the jobs row: a deleted batch job's page stays part of its campaign's history.
CREATE TABLE campaign_batches (
  job_id              INTEGER PRIMARY KEY,
  campaign            INTEGER NOT NULL REFERENCES campaigns (num),
  start_position      INTEGER NOT NULL,
  max_records         INTEGER NOT NULL,
  forced              INTEGER NOT NULL,   -- started away from the campaign's next_start_position
  principal           TEXT    NOT NULL,   -- JSON: who submitted it; its children are checked as that caller's jobs
  read_attempts       INTEGER NOT NULL DEFAULT 0,
  spawned_at          INTEGER,            -- NULL while its page has not been read
  records             INTEGER,            -- children made
  matched             INTEGER,            -- records the catalog says match in all, when it says
  next_start_position INTEGER,            -- NULL when the page was the last
  ended_children      INTEGER NOT NULL DEFAULT 0,
  completed_children  INTEGER NOT NULL DEFAULT 0,
  created_at          INTEGER NOT NULL
);

CREATE INDEX campaign_batches_campaign ON campaign_batches (campaign, job_id);
CREATE INDEX campaign_batches_unread ON campaign_batches (job_id) WHERE spawned_at IS NULL;

-- A batch's children, to stop them with it.
CREATE INDEX jobs_children ON jobs (parent_id, state) WHERE parent_id IS NOT NULL AND step_id IS NULL;
