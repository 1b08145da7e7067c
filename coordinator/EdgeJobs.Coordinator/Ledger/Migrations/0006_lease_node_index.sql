-- The jobs a node holds an offer or lease on (reconnects, the nodes view) were found by scanning every
-- job ever kept; only a handful per node are held at a time.
CREATE INDEX jobs_lease_node ON jobs (lease_node_id) WHERE lease_node_id IS NOT NULL;
