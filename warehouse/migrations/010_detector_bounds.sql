-- Per run, per unit, for each of the last weeks up to the run's week (52, the weeks of the locality page's chart):
-- the alarm bound of the detector analyze chose for the unit (noufaily, or ears-c3 on a short history), so the page
-- can draw the bound as a band and mark the weeks over it (issue 6). detector_results keeps the report week's full
-- verdict with settings; these rows hold only what the chart needs. upperbound is NULL where the detector gives
-- none (Noufaily below limit54, EARS C3 after a zero-variance baseline).
CREATE TABLE detector_bounds (
    run_id     VARCHAR NOT NULL,
    unit_code  VARCHAR NOT NULL,
    week       VARCHAR NOT NULL,     -- YYYY-Www
    detector   VARCHAR NOT NULL,     -- noufaily | ears-c3
    observed   DOUBLE,
    upperbound DOUBLE,
    alarm      BOOLEAN NOT NULL,
    PRIMARY KEY (run_id, unit_code, week)
);
