-- Fitted risk models (issue 9). Refitting the pooled logistic model every week cost most of a national analyze, so
-- analyze fits it on a schedule (every risk_refit_weeks) and stores it here; the runs in between load the newest
-- model fitted at or before their week and only predict. One row per fit; rows are never updated.
CREATE TABLE risk_models (
    model_id    VARCHAR PRIMARY KEY,
    fitted_week VARCHAR NOT NULL,     -- YYYY-Www, the origin week of the fit (labels known at that week only)
    n_cases     BIGINT NOT NULL,      -- data fingerprint at fit time: cases in the warehouse
    max_batch   VARCHAR NOT NULL,     -- data fingerprint at fit time: greatest ingest batch id ('' when none)
    features    VARCHAR NOT NULL,     -- JSON array of the feature names, in the model's column order
    settings    VARCHAR NOT NULL,     -- JSON of the settings the fit used; reuse needs the identical string
    model       VARCHAR NOT NULL,     -- JSON of analysis.RiskModel (all its exported fields)
    created_at  TIMESTAMP NOT NULL
);
