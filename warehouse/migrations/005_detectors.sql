-- Per run, per unit and week: what each detector expected, its alarm bound, whether it alarmed and its p-value,
-- with the detector's settings (JSON), so a report can show exactly why a flag was raised (issue 4, item 9).
CREATE TABLE detector_results (
    run_id     VARCHAR NOT NULL,
    unit_code  VARCHAR NOT NULL,
    week       VARCHAR NOT NULL,     -- YYYY-Www
    detector   VARCHAR NOT NULL,     -- e.g. escalation, farrington, noufaily, cusum, glrnb, ears-c1
    observed   DOUBLE,
    expected   DOUBLE,
    upperbound DOUBLE,
    alarm      BOOLEAN NOT NULL,
    pvalue     DOUBLE,
    settings   VARCHAR NOT NULL,     -- JSON
    PRIMARY KEY (run_id, unit_code, week, detector)
);

-- Per run, per unit and week: spatial and trend statistics of the unit's value in that week's window.
CREATE TABLE spatial_results (
    run_id        VARCHAR NOT NULL,
    unit_code     VARCHAR NOT NULL,
    week          VARCHAR NOT NULL,  -- YYYY-Www
    value         DOUBLE,            -- the value the statistics were computed on (see settings of the run)
    gi_z          DOUBLE,            -- Getis-Ord Gi* z-score (self included)
    gi_p          DOUBLE,            -- two-sided normal p-value
    gi_q          DOUBLE,            -- Benjamini-Hochberg q-value across units
    moran_i       DOUBLE,            -- local Moran's I (row-standardised weights)
    moran_p       DOUBLE,
    moran_q       DOUBLE,
    quadrant      VARCHAR NOT NULL,  -- High-High | Low-Low | High-Low | Low-High | '' (no neighbours)
    hotspot_class VARCHAR NOT NULL,  -- emerging hot spot pattern (analysis.HotSpotClass names), 'no pattern'
    mk_tau        DOUBLE,            -- Mann-Kendall tau of the unit's weekly counts
    mk_p          DOUBLE,
    settings      VARCHAR NOT NULL,  -- JSON
    PRIMARY KEY (run_id, unit_code, week)
);
