-- Late logbooks (issue 11): when each file reached the system, so that a case's first-seen date (the arrived_date
-- of its first batch, cases.batch_id) can be set against its received date to give the reporting delay.
-- arrived_date NULL: a batch loaded before this migration; read it as the date of finished_at.
-- backfill TRUE: a file of past records loaded at once (history being caught up), whose delays are not
-- reporting delays and are left out of the reporting triangle. NULL (older batches) counts as not a backfill.
ALTER TABLE ingest_batches ADD COLUMN arrived_date DATE;
ALTER TABLE ingest_batches ADD COLUMN backfill BOOLEAN;
