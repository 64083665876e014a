-- Ingest of many formats (issue 3): how each file was read, and the quarantined
-- rows cell by cell so that `canhbao quarantine export` can write them back
-- out in a form that can be corrected and ingested again.
ALTER TABLE ingest_batches ADD COLUMN format VARCHAR;    -- csv | xlsx | json | parquet | arrow
ALTER TABLE ingest_batches ADD COLUMN encoding VARCHAR;  -- utf-8 | utf-16le | utf-16be | windows-1258 (text formats)
ALTER TABLE quarantine ADD COLUMN cells VARCHAR;         -- JSON [{"label":..,"value":..}], personal cells masked
