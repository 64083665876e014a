package warehouse

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/canhbao/canhbao/models"
)

// seriousSQL marks a case that carries an escalation signal by itself; it
// must agree with models.Case.Serious.
const seriousSQL = `(outcome = 'not_settled' OR violence_risk OR crime_signs OR referred_to IN ('police', 'court'))`

// WeeklyCounts is a dense current-unit x week panel of case counts.
type WeeklyCounts struct {
	Units   []string    // current unit codes, in code order
	Start   models.Week // week of column 0
	Counts  [][]float64 // [unit][week] cases received
	Serious [][]float64 // [unit][week] serious cases
}

// WeeklyCounts aggregates cases per current unit and ISO week in DuckDB for
// the weeks from..to (inclusive) and moves the result to Go through Arrow.
func (w *Warehouse) WeeklyCounts(ctx context.Context, from, to models.Week) (*WeeklyCounts, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("warehouse: week range %s..%s is empty", from, to)
	}
	units, err := w.currentCodes(ctx)
	if err != nil {
		return nil, err
	}
	n := to.Sub(from) + 1
	wc := &WeeklyCounts{Units: units, Start: from,
		Counts: make([][]float64, len(units)), Serious: make([][]float64, len(units))}
	for i := range units {
		wc.Counts[i] = make([]float64, n)
		wc.Serious[i] = make([]float64, n)
	}
	// Week index: whole weeks since Monday 1970-01-05 (models.Week.Index).
	q := `SELECT unit_code, CAST(date_diff('day', DATE '1970-01-05', received_date) // 7 AS BIGINT) AS wk,
		CAST(count(*) AS DOUBLE) AS n, CAST(sum(CASE WHEN ` + seriousSQL + ` THEN 1 ELSE 0 END) AS DOUBLE) AS s
		FROM cases WHERE received_date BETWEEN ? AND ? GROUP BY ALL`
	err = w.scanUnitWeeks(ctx, units, from, to, q, []any{from.Monday(), to.Sunday()},
		func(rec arrow.Record, i, r, c int) error {
			wc.Counts[r][c] += rec.Column(2).(*array.Float64).Value(i)
			wc.Serious[r][c] += rec.Column(3).(*array.Float64).Value(i)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("warehouse: weekly counts: %w", err)
	}
	return wc, nil
}

// CaseRange returns the weeks of the first and last received dates; ok is
// false when there are no cases.
func (w *Warehouse) CaseRange(ctx context.Context) (first, last models.Week, ok bool, err error) {
	var a, b sql.NullTime
	if err = w.db.QueryRowContext(ctx, `SELECT min(received_date), max(received_date) FROM cases`).Scan(&a, &b); err != nil {
		return first, last, false, fmt.Errorf("warehouse: %w", err)
	}
	if !a.Valid {
		return first, last, false, nil
	}
	return models.WeekOf(a.Time.UTC()), models.WeekOf(b.Time.UTC()), true, nil
}

func (w *Warehouse) currentCodes(ctx context.Context) ([]string, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT code FROM units WHERE vintage = ? ORDER BY code`, models.CurrentVintage)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("warehouse: no geography loaded: run `canhbao units load DIR` first")
	}
	return out, rows.Err()
}
