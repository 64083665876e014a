package warehouse

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/canhbao/canhbao/models"
)

// RiskModelRecord is one fitted risk model as stored in risk_models. The
// warehouse treats Model and Settings as opaque JSON: what a model is belongs
// to the analysis package, when it may be reused to the caller.
type RiskModelRecord struct {
	ModelID    string
	FittedWeek models.Week // origin week of the fit
	Cases      int64       // cases in the warehouse when it was fitted
	MaxBatch   string      // greatest ingest batch id then ("" when none)
	Features   []string    // feature names in the model's column order
	Settings   string      // JSON of the settings the fit used
	Model      string      // JSON of the fitted model
	CreatedAt  time.Time
}

// DataFingerprint returns the number of cases and the greatest ingest batch
// id: stored with a model, they tell what data it was fitted on.
func (w *Warehouse) DataFingerprint(ctx context.Context) (cases int64, maxBatch string, err error) {
	var mb sql.NullString
	if err := w.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM cases), (SELECT max(batch_id) FROM ingest_batches)`).
		Scan(&cases, &mb); err != nil {
		return 0, "", fmt.Errorf("warehouse: data fingerprint: %w", err)
	}
	return cases, mb.String, nil
}

// SaveRiskModel stores a fitted model. The model id must be new.
func (w *Warehouse) SaveRiskModel(ctx context.Context, r RiskModelRecord) error {
	if r.ModelID == "" {
		return fmt.Errorf("warehouse: risk model without an id")
	}
	if !json.Valid([]byte(r.Model)) || !json.Valid([]byte(r.Settings)) {
		return fmt.Errorf("warehouse: risk model %s: model and settings must be JSON", r.ModelID)
	}
	names := r.Features
	if names == nil {
		names = []string{}
	}
	feats, err := json.Marshal(names)
	if err != nil {
		return fmt.Errorf("warehouse: risk model %s: %w", r.ModelID, err)
	}
	if _, err := w.db.ExecContext(ctx, `INSERT INTO risk_models VALUES (?,?,?,?,?,?,?,?)`, r.ModelID,
		r.FittedWeek.String(), r.Cases, r.MaxBatch, string(feats), r.Settings, r.Model, r.CreatedAt.UTC()); err != nil {
		return fmt.Errorf("warehouse: risk model %s: %w", r.ModelID, err)
	}
	return nil
}

// LatestRiskModel returns the newest model fitted at or before week wk with
// exactly these settings (latest fitted week first, then latest created),
// nil when there is none. A model fitted after wk is never returned: it saw
// labels a run for wk could not have known.
func (w *Warehouse) LatestRiskModel(ctx context.Context, wk models.Week, settings string) (*RiskModelRecord, error) {
	r := &RiskModelRecord{}
	var fitted, feats string
	// ISO week strings are zero-padded (YYYY-Www), so they order as weeks.
	err := w.db.QueryRowContext(ctx, `SELECT model_id, fitted_week, n_cases, max_batch, features, settings, model, created_at
		FROM risk_models WHERE fitted_week <= ? AND settings = ?
		ORDER BY fitted_week DESC, created_at DESC, model_id DESC LIMIT 1`, wk.String(), settings).
		Scan(&r.ModelID, &fitted, &r.Cases, &r.MaxBatch, &feats, &r.Settings, &r.Model, &r.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("warehouse: latest risk model: %w", err)
	}
	if r.FittedWeek, err = models.ParseWeek(fitted); err != nil {
		return nil, fmt.Errorf("warehouse: risk model %s: %w", r.ModelID, err)
	}
	if err := json.Unmarshal([]byte(feats), &r.Features); err != nil {
		return nil, fmt.Errorf("warehouse: risk model %s features: %w", r.ModelID, err)
	}
	return r, nil
}
