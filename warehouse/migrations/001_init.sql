-- Geography: every unit of every vintage, with the dates it was in force.
CREATE TABLE units (
    vintage       VARCHAR NOT NULL,  -- 'current' or the vintage token of an old list ('2024', '202501')
    code          VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,
    full_name     VARCHAR NOT NULL,
    type          VARCHAR,
    name_en       VARCHAR,
    district_code VARCHAR,
    district_name VARCHAR,
    population    BIGINT,
    area_km2      DOUBLE,
    label_lon     DOUBLE,
    label_lat     DOUBLE,
    valid_from    DATE,              -- NULL: since before the data
    valid_to      DATE,              -- NULL: still in force
    PRIMARY KEY (vintage, code)
);

-- Old unit -> current unit; a split old unit has one row per part, weights summing to 1.
CREATE TABLE crosswalk (
    old_vintage VARCHAR NOT NULL,
    old_code    VARCHAR NOT NULL,
    new_code    VARCHAR NOT NULL,
    partial     BOOLEAN NOT NULL,
    weight      DOUBLE NOT NULL,
    PRIMARY KEY (old_vintage, old_code, new_code)
);

CREATE TABLE neighbours (
    a               VARCHAR NOT NULL,
    b               VARCHAR NOT NULL,
    shared_border_m DOUBLE,
    PRIMARY KEY (a, b)
);

-- Boundaries of the current units, for drawing.
CREATE TABLE maps (
    name      VARCHAR PRIMARY KEY,
    geojson   VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);

-- One row per input file ingested (or refused).
CREATE TABLE ingest_batches (
    batch_id    VARCHAR PRIMARY KEY,
    file        VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    size_bytes  BIGINT NOT NULL,
    status      VARCHAR NOT NULL,    -- loaded
    rows_read   INTEGER NOT NULL,
    loaded      INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    duplicate   INTEGER NOT NULL,
    quarantined INTEGER NOT NULL,
    ignored     INTEGER NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL
);

-- Cases, with canonical field names. No party names, ages, addresses or summaries.
CREATE TABLE cases (
    case_key         VARCHAR PRIMARY KEY, -- 'id:'+source case id, or 'c:'+content hash
    source_case_id   VARCHAR,
    seq              INTEGER,
    received_date    DATE NOT NULL,
    closed_date      DATE,
    unit_code        VARCHAR NOT NULL,    -- current unit
    source_unit_code VARCHAR,             -- unit as written, resolved on the record's date
    apportioned      BOOLEAN NOT NULL,    -- source unit was split over several current units
    village          VARCHAR,
    team             VARCHAR,
    parties_hash     VARCHAR,             -- keyed hash of the parties' names
    summary_hash     VARCHAR,
    category         VARCHAR NOT NULL,    -- civil | family | other
    subtopic         VARCHAR NOT NULL,
    outcome          VARCHAR NOT NULL,    -- settled | not_settled | in_progress
    violence_risk    BOOLEAN NOT NULL,
    crime_signs      BOOLEAN NOT NULL,
    referred_to      VARCHAR NOT NULL,    -- '' | commune | police | court | other
    batch_id         VARCHAR NOT NULL,    -- batch that first loaded the case
    updated_batch_id VARCHAR              -- batch that last changed it
);

-- Earlier values of cases that a later batch changed.
CREATE TABLE case_history (
    case_key      VARCHAR NOT NULL,
    batch_id      VARCHAR NOT NULL,      -- the batch that replaced these values
    closed_date   DATE,
    outcome       VARCHAR,
    violence_risk BOOLEAN,
    crime_signs   BOOLEAN,
    referred_to   VARCHAR,
    category      VARCHAR,
    subtopic      VARCHAR,
    unit_code     VARCHAR
);

CREATE TABLE quarantine (
    batch_id VARCHAR NOT NULL,
    file     VARCHAR NOT NULL,
    row_num  INTEGER NOT NULL,
    field    VARCHAR NOT NULL,
    reason   VARCHAR NOT NULL,
    raw      VARCHAR NOT NULL           -- the row with personal fields masked
);

CREATE TABLE analysis_runs (
    run_id     VARCHAR PRIMARY KEY,
    week       VARCHAR NOT NULL,          -- YYYY-Www
    created_at TIMESTAMP NOT NULL,
    method     VARCHAR NOT NULL,
    settings   VARCHAR NOT NULL           -- JSON
);

CREATE TABLE indicators (
    run_id        VARCHAR NOT NULL,
    unit_code     VARCHAR NOT NULL,
    week          VARCHAR NOT NULL,
    observed      DOUBLE NOT NULL,
    expected      DOUBLE NOT NULL,
    ratio         DOUBLE,
    pvalue        DOUBLE,
    qvalue        DOUBLE,
    serious       DOUBLE NOT NULL,
    serious_share DOUBLE,
    serious_base  DOUBLE,
    score         DOUBLE,
    tier          VARCHAR NOT NULL,       -- high | elevated | watch | none
    flagged       BOOLEAN NOT NULL,
    reasons       VARCHAR NOT NULL,       -- comma-separated driver codes
    PRIMARY KEY (run_id, unit_code, week)
);
