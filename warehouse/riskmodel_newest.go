package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// NewestRiskModel returns the id, fitted week and model JSON of the newest
// stored risk model, whatever its settings (latest fitted week first, then
// latest created); ok is false when none is stored. The report's model page
// shows its flag threshold: the rule the latest weekly runs applied.
func (w *Warehouse) NewestRiskModel(ctx context.Context) (id, fittedWeek, model string, ok bool, err error) {
	err = w.db.QueryRowContext(ctx, `SELECT model_id, fitted_week, model FROM risk_models
		ORDER BY fitted_week DESC, created_at DESC, model_id DESC LIMIT 1`).Scan(&id, &fittedWeek, &model)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", "", false, nil
	}
	if err != nil {
		return "", "", "", false, fmt.Errorf("warehouse: newest risk model: %w", err)
	}
	return id, fittedWeek, model, true, nil
}
