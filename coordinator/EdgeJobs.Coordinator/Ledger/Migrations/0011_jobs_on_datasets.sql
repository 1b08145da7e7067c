-- Jobs on datasets (design §8.2) and jobs for one kind of node.
--
-- dataset: the name of the dataset (in the job's org) whose entries the job's input and output paths name;
-- NULL for a job on the data root. Deleting a dataset is refused while an active job names it, which the
-- index below answers without reading every job.
-- node_labels: a JSON object of labels a node must carry to be granted the job (`{"site": "farm-7"}`), for
-- data that lives only on that node; NULL for any node that runs the tool.
ALTER TABLE jobs ADD COLUMN dataset TEXT;
ALTER TABLE jobs ADD COLUMN node_labels TEXT;
CREATE INDEX jobs_dataset ON jobs (org, dataset, state) WHERE dataset IS NOT NULL;
