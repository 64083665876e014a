package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/canhbao/canhbao/models"
)

// Reporting delays (issue 11). A case is first seen when the batch that first
// loaded it (cases.batch_id; updates keep it) arrived: ingest_batches.
// arrived_date, or the date of finished_at for batches loaded before
// migration 007 recorded arrivals. Backfill batches (history loaded at once)
// are there for the counts but say nothing about how late logbooks come, so
// the reporting triangle leaves them out.

// arrivedSQL is a batch's arrival date; batches from before migration 007
// arrived when they were ingested.
const arrivedSQL = `coalesce(b.arrived_date, CAST(b.finished_at AS DATE))`

// weekIndexOf turns a DATE expression into models.Week.Index: whole weeks
// since Monday 1970-01-05 (dates before it do not occur).
func weekIndexOf(date string) string {
	return `CAST(date_diff('day', DATE '1970-01-05', ` + date + `) // 7 AS BIGINT)`
}

// DelayCount is the number of cases of one unit received in week Received
// that the system first saw Delay whole weeks later (Delay = arrival week
// index - received week index, >= 0; a negative difference, a file dated
// before the cases it holds, clamps to 0).
type DelayCount struct {
	UnitCode string
	Received models.Week
	Delay    int
	N        int
}

// DelayCounts returns the reporting triangle cells of non-backfill batches
// with arrived_date <= asOf, for cases received in weeks from..to
// (inclusive), ordered by unit, received, delay. Cells with no case are left
// out. asOf is read as a calendar date.
func (w *Warehouse) DelayCounts(ctx context.Context, from, to models.Week, asOf time.Time) ([]DelayCount, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("warehouse: week range %s..%s is empty", from, to)
	}
	q := `SELECT c.unit_code, ` + weekIndexOf(`c.received_date`) + ` AS wk,
		CAST(greatest(0, ` + weekIndexOf(arrivedSQL) + ` - ` + weekIndexOf(`c.received_date`) + `) AS BIGINT) AS delay,
		count(*) AS n
		FROM cases c JOIN ingest_batches b ON b.batch_id = c.batch_id
		WHERE c.received_date BETWEEN ? AND ? AND NOT coalesce(b.backfill, false) AND ` + arrivedSQL + ` <= ?
		GROUP BY ALL ORDER BY 1, 2, 3`
	rows, err := w.db.QueryContext(ctx, q, from.Monday(), to.Sunday(), utcDate(asOf))
	if err != nil {
		return nil, fmt.Errorf("warehouse: delay counts: %w", err)
	}
	defer rows.Close()
	var out []DelayCount
	for rows.Next() {
		var d DelayCount
		var wk, delay, n int64
		if err := rows.Scan(&d.UnitCode, &wk, &delay, &n); err != nil {
			return nil, fmt.Errorf("warehouse: delay counts: %w", err)
		}
		d.Received, d.Delay, d.N = models.WeekFromIndex(int(wk)), int(delay), int(n)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: delay counts: %w", err)
	}
	return out, nil
}

// WeeklyCountsAsOf returns, per current unit and received week, the number
// of cases whose first batch arrived on or before asOf (backfill batches
// included: they were there), for the weeks from..to: what a weekly run saw
// that day. Every current unit has a slice, indexed by week offset from
// from.
func (w *Warehouse) WeeklyCountsAsOf(ctx context.Context, from, to models.Week, asOf time.Time) (map[string][]float64, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("warehouse: week range %s..%s is empty", from, to)
	}
	units, err := w.currentCodes(ctx)
	if err != nil {
		return nil, err
	}
	n := to.Sub(from) + 1
	out := make(map[string][]float64, len(units))
	for _, u := range units {
		out[u] = make([]float64, n)
	}
	q := `SELECT c.unit_code, ` + weekIndexOf(`c.received_date`) + ` AS wk, CAST(count(*) AS DOUBLE) AS n
		FROM cases c JOIN ingest_batches b ON b.batch_id = c.batch_id
		WHERE c.received_date BETWEEN ? AND ? AND ` + arrivedSQL + ` <= ? GROUP BY ALL`
	err = w.scanUnitWeeks(ctx, units, from, to, q, []any{from.Monday(), to.Sunday(), utcDate(asOf)},
		func(rec arrow.Record, i, r, c int) error {
			out[units[r]][c] += rec.Column(2).(*array.Float64).Value(i)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("warehouse: weekly counts as of %s: %w", utcDate(asOf).Format(time.DateOnly), err)
	}
	return out, nil
}

// HasArrivals reports whether any non-backfill batch exists: without one
// there is no reporting triangle to estimate delays from.
func (w *Warehouse) HasArrivals(ctx context.Context) (bool, error) {
	var one sql.NullInt64
	err := w.db.QueryRowContext(ctx, `SELECT 1 FROM ingest_batches WHERE NOT coalesce(backfill, false) LIMIT 1`).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("warehouse: %w", err)
	}
	return true, nil
}

// utcDate is the calendar date of t, read in t's own location, as UTC
// midnight: a date given as 23/11/2026 stays that day whatever the zone.
func utcDate(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
