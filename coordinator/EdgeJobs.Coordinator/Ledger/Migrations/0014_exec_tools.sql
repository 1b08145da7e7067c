-- Exec tools (issue 13, README "Exec tools"): every manifest an agent advertised and the coordinator accepted, by
-- (id, version), so that after a restart the catalog still serves them and a job can be submitted for one while no
-- agent that has it is connected (it waits, as a job for labels no node has). The first manifest known for an
-- (id, version) is the one kept: an agent advertising another is refused that tool. `manifest` is the compact JSON
-- the agent sent (checked again when read back); `node_id` the node that first advertised it and `last_seen_at`
-- the last Hello that did (either may be another node's by then).
CREATE TABLE exec_tools (
  id            TEXT    NOT NULL,
  version       TEXT    NOT NULL,
  manifest      TEXT    NOT NULL,
  node_id       INTEGER NOT NULL,
  first_seen_at INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  PRIMARY KEY (id, version)
) WITHOUT ROWID;
