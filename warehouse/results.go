package warehouse

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/canhbao/canhbao/models"
)

// Run identifies one analysis run.
type Run struct {
	RunID     string
	Week      models.Week
	CreatedAt time.Time
	Method    string
	Settings  string // JSON
}

// SaveRun stores a run and its indicators in one transaction.
func (w *Warehouse) SaveRun(ctx context.Context, r Run, inds []models.Indicator) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO analysis_runs VALUES (?,?,?,?,?)`,
		r.RunID, r.Week.String(), r.CreatedAt.UTC(), r.Method, r.Settings); err != nil {
		return fmt.Errorf("warehouse: run %s: %w", r.RunID, err)
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO indicators (run_id, unit_code, week, observed, expected,
		ratio, pvalue, qvalue, serious, serious_share, serious_base, score, tier, flagged, reasons,
		probability, change, drivers) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	defer st.Close()
	for _, in := range inds {
		drivers, err := json.Marshal(in.Drivers)
		if err != nil {
			return fmt.Errorf("warehouse: drivers of %s: %w", in.UnitCode, err)
		}
		if _, err := st.ExecContext(ctx, r.RunID, in.UnitCode, in.Week.String(), in.Observed, in.Expected,
			in.Ratio, in.PValue, in.QValue, in.Serious, in.SeriousShare, in.SeriousBase, in.Score, string(in.Tier), in.Flagged,
			strings.Join(in.Reasons, ","), nullProb(in.Probability), string(in.Change), string(drivers)); err != nil {
			return fmt.Errorf("warehouse: indicator %s %s: %w", in.UnitCode, in.Week, err)
		}
	}
	return tx.Commit()
}

// LatestRun returns the newest run for week, or nil when none exists.
func (w *Warehouse) LatestRun(ctx context.Context, week models.Week) (*Run, error) {
	r := &Run{Week: week}
	err := w.db.QueryRowContext(ctx, `SELECT run_id, created_at, method, settings FROM analysis_runs
		WHERE week = ? ORDER BY created_at DESC, run_id DESC LIMIT 1`, week.String()).Scan(&r.RunID, &r.CreatedAt, &r.Method, &r.Settings)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	return r, nil
}

// LatestWeek returns the week of the newest run, ok=false when there is none.
func (w *Warehouse) LatestWeek(ctx context.Context) (models.Week, bool, error) {
	var s string
	err := w.db.QueryRowContext(ctx, `SELECT week FROM analysis_runs ORDER BY created_at DESC, run_id DESC LIMIT 1`).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return models.Week{}, false, nil
	}
	if err != nil {
		return models.Week{}, false, fmt.Errorf("warehouse: %w", err)
	}
	wk, err := models.ParseWeek(s)
	return wk, err == nil, err
}

// Indicators returns a run's indicators, most concerning first.
func (w *Warehouse) Indicators(ctx context.Context, runID string) ([]models.Indicator, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT unit_code, week, observed, expected, coalesce(ratio, 0),
		coalesce(pvalue, 1), coalesce(qvalue, 1), serious, coalesce(serious_share, 0), coalesce(serious_base, 0),
		coalesce(score, 0), tier, flagged, reasons, coalesce(probability, -1), coalesce(change, ''),
		coalesce(drivers, 'null') FROM indicators WHERE run_id = ? ORDER BY score DESC, unit_code`, runID)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	var out []models.Indicator
	for rows.Next() {
		in := models.Indicator{RunID: runID}
		var week, reasons, tier, change, drivers string
		if err := rows.Scan(&in.UnitCode, &week, &in.Observed, &in.Expected, &in.Ratio, &in.PValue, &in.QValue,
			&in.Serious, &in.SeriousShare, &in.SeriousBase, &in.Score, &tier, &in.Flagged, &reasons, &in.Probability, &change, &drivers); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		if in.Week, err = models.ParseWeek(week); err != nil {
			return nil, err
		}
		in.Tier = models.Tier(tier)
		in.Change = models.Change(change)
		if err := json.Unmarshal([]byte(drivers), &in.Drivers); err != nil {
			return nil, fmt.Errorf("warehouse: drivers of %s: %w", in.UnitCode, err)
		}
		if reasons != "" {
			in.Reasons = strings.Split(reasons, ",")
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// CityWeek is the province-wide total of one week.
type CityWeek struct {
	Week    models.Week
	Cases   float64
	Serious float64
}

// CityTrend returns province-wide weekly totals for from..to, every week present.
func (w *Warehouse) CityTrend(ctx context.Context, from, to models.Week) ([]CityWeek, error) {
	wc, err := w.WeeklyCounts(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]CityWeek, to.Sub(from)+1)
	for j := range out {
		out[j].Week = from.Add(j)
		for i := range wc.Units {
			out[j].Cases += wc.Counts[i][j]
			out[j].Serious += wc.Serious[i][j]
		}
	}
	return out, nil
}

// nullProb stores a negative probability (no risk model) as NULL.
func nullProb(p float64) any {
	if p < 0 {
		return nil
	}
	return p
}
