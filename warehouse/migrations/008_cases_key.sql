-- Ingest speed (issue 3): cases without the PRIMARY KEY on case_key.
-- In DuckDB 1.1 the key is an ART index that every insert updates row by row and every commit writes out
-- again; at 1M new rows that cost as much as the load itself (BENCHMARKS.md "Ingest"). case_key stays
-- unique because the only writer, warehouse.BatchWriter, inserts a key only when no stored row has it (a
-- set-based anti-join, under the warehouse's writer lock) and keeps one version of a key repeated in a file;
-- tests in warehouse/ check count(*) = count(DISTINCT case_key) after re-ingests, updates and repeats.
-- DuckDB cannot drop a primary key in place: the table is rebuilt, rows copied in their stored order.
CREATE TABLE cases_008 (
    case_key         VARCHAR NOT NULL,    -- 'id:'+source case id, or 'c:'+content hash; unique (see above)
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
INSERT INTO cases_008 SELECT case_key, source_case_id, seq, received_date, closed_date, unit_code, source_unit_code,
    apportioned, village, team, parties_hash, summary_hash, category, subtopic, outcome, violence_risk, crime_signs,
    referred_to, batch_id, updated_batch_id FROM cases;
DROP TABLE cases;
ALTER TABLE cases_008 RENAME TO cases;
