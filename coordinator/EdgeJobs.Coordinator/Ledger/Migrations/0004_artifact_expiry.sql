-- An artifact past its TTL has its file removed; the row stays (deleted_at set), so a download of
-- it answers 410 Gone rather than 404.
ALTER TABLE artifacts ADD COLUMN deleted_at INTEGER;
CREATE INDEX artifacts_expiry ON artifacts (expires_at) WHERE deleted_at IS NULL;
