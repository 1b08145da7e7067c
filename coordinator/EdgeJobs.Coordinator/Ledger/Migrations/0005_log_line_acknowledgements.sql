-- Agents number the log lines of an attempt; the ledger remembers the last number it stored under the
-- current fence, so lines resent after a reconnect (stored, but the acknowledgement was lost) are
-- skipped instead of stored twice.
ALTER TABLE jobs ADD COLUMN log_agent_fence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN log_agent_seq INTEGER NOT NULL DEFAULT 0;
