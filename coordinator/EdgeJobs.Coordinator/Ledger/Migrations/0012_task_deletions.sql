-- Seed 003's tasks (design §8.7): a task the user deleted once it had ended reads `Deleted`, and stays listed until
-- the dataset's tasks are cleared. The job keeps its own state (completed or failed: what happened to the work);
-- this row is the user's mark on it. A side table rather than a jobs column: the hot statements read whole job
-- rows by position, and a mark nobody but the seed API reads should not widen every one of them.
-- A job deleted from the ledger takes its mark with it.
CREATE TABLE task_deletions (
  job_id     INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  deleted_at INTEGER NOT NULL,
  deleted_by TEXT    NOT NULL
);

-- A dataset's tasks are listed newest first, by offset: this index walks them in that order without sorting, and
-- without reading other datasets' jobs or jobs on the data root. Partial, and on columns a job never changes, so
-- it costs an insert of a job on a dataset one more entry and a state change nothing.
CREATE INDEX jobs_dataset_id ON jobs (org, dataset, id) WHERE dataset IS NOT NULL;
