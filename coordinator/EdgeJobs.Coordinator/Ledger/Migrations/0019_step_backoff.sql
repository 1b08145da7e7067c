-- A recipe step's own retry backoff (design §8.3; README "Recipes"): `retry: {backoff_s, max_backoff_s}`. A failed
-- attempt of the step's job waits backoff · 2^(attempt-1), capped at max_backoff, jittered down to half, before it is
-- offered again. NULL: the coordinator's backoff, as for any job (2 s doubling to 5 min).
ALTER TABLE job_steps ADD COLUMN backoff_ms INTEGER;
ALTER TABLE job_steps ADD COLUMN max_backoff_ms INTEGER;
