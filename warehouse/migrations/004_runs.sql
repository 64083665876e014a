-- One row per weekly batch run (`canhbao run`): what it did, how long each stage took and with which settings.
-- A row is inserted with status 'running' when the run starts and updated when it ends; a row still 'running'
-- when the next run takes the lock belonged to a run that was killed and is marked 'interrupted'.
CREATE TABLE batch_runs (
    run_id      VARCHAR PRIMARY KEY,
    week        VARCHAR NOT NULL,    -- ISO week reported, YYYY-Www
    status      VARCHAR NOT NULL,    -- running | ok | rejected | quality | failed | interrupted
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    timings     VARCHAR NOT NULL,    -- JSON: stage -> seconds
    counts      VARCHAR NOT NULL,    -- JSON: files, rows, quarantined, flagged, ...
    settings    VARCHAR NOT NULL,    -- JSON: the effective configuration
    versions    VARCHAR NOT NULL,    -- JSON: program, Go, DuckDB versions
    message     VARCHAR NOT NULL     -- '' or what went wrong
);
