-- The latest backtests of the risk model (issue 5): one row per `canhbao backtest` run with its settings, and one
-- row per method (the model and each baseline) with its metrics and calibration table, all JSON, so the report's
-- model-quality page can show the newest numbers without rerunning the backtest.
CREATE TABLE backtests (
    backtest_id VARCHAR PRIMARY KEY,
    created_at  TIMESTAMP NOT NULL,
    from_week   VARCHAR NOT NULL,     -- YYYY-Www, first week predicted out of sample
    to_week     VARCHAR NOT NULL,     -- YYYY-Www, last week predicted
    target      VARCHAR NOT NULL,     -- the target definition in words
    settings    VARCHAR NOT NULL      -- JSON: refit, budget, horizon, calibration weeks, penalties, truth file, ...
);

CREATE TABLE backtest_methods (
    backtest_id VARCHAR NOT NULL,
    method      VARCHAR NOT NULL,     -- risk_model, last4_count, historical_mean, escalation_score
    position    INTEGER NOT NULL,     -- order of the methods in the run, the model first
    metrics     VARCHAR NOT NULL,     -- JSON: auroc, aupr, brier, bss, pai, pei, episodes, lead, false alarms, curve
    calibration VARCHAR NOT NULL,     -- JSON array: lo, hi, n, mean_forecast, observed_rate
    PRIMARY KEY (backtest_id, method)
);
