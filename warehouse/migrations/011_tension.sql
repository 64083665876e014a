-- Risk model (issue 5): the tension flag of a case, derived at ingest from the summary (ingest.Tension: threats,
-- shouting, scuffles, violence, recurrence, a tense situation; matched on the folded text, negations skipped). The
-- summary itself is never stored, only its hash: cases loaded before this migration cannot be derived here, so they
-- get false; ingesting their logbooks again into a fresh warehouse (or a re-sent file: a changed flag is an update,
-- see warehouse.changed) fills it. Added at the end of the table (no rebuild): writers name their columns.
ALTER TABLE cases ADD COLUMN tension BOOLEAN DEFAULT false;
ALTER TABLE case_history ADD COLUMN tension BOOLEAN;
