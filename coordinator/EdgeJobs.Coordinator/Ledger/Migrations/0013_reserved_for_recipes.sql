-- Placeholder on the exec-tools branch only: 0013 is main's (recipes, job_steps: issue 13), 0014 this branch's.
-- Migrations must be contiguous, so this branch needs a 0013 to test 0014; merging drops this file for main's 0013.
SELECT 1;
