package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/canhbao/canhbao/scorecard"
)

// The scorecard queries aggregate in DuckDB; every value is a placeholder.
//
// Outcomes are read as they stood on the as-of date: a case whose closed
// date is after it counts as in progress. A case is open at a day d when it
// was received by d and its outcome at d is in progress.

// escalatedSQL marks a case that escalated: referred to the police or a
// court, or flagged for violence risk or crime signs.
const escalatedSQL = `(violence_risk OR crime_signs OR referred_to IN ('police', 'court'))`

// scorecardSQL tallies per unit and per (unit, team). Parameters: asOf,
// end (= min(period end, asOf)), from, end, end (age reference).
const scorecardSQL = `
WITH c AS (
	SELECT unit_code, coalesce(team, '') AS team, received_date, closed_date, category,
		CASE WHEN closed_date IS NOT NULL AND closed_date > $1 THEN 'in_progress' ELSE outcome END AS outcome,
		CASE WHEN closed_date IS NOT NULL AND closed_date > $2 THEN 'in_progress' ELSE outcome END AS outcome_end,
		` + escalatedSQL + ` AS escalated,
		coalesce(parties_hash, '') <> '' AND count(*) OVER (
			PARTITION BY unit_code, parties_hash ORDER BY received_date, case_key
			ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) > 0 AS repeat,
		received_date BETWEEN $3 AND $2 AS inp
	FROM cases WHERE received_date <= $2
)
SELECT unit_code, coalesce(team, '') AS team_name, CAST(grouping(team) AS INTEGER) AS unit_level,
	count(*) FILTER (WHERE inp),
	count(*) FILTER (WHERE inp AND outcome = 'settled'),
	count(*) FILTER (WHERE inp AND outcome = 'not_settled'),
	count(*) FILTER (WHERE inp AND outcome = 'in_progress'),
	count(*) FILTER (WHERE inp AND category = 'civil'),
	count(*) FILTER (WHERE inp AND category = 'family'),
	count(*) FILTER (WHERE inp AND category = 'other'),
	CAST(median(date_diff('day', received_date, closed_date)) FILTER (WHERE inp AND outcome <> 'in_progress' AND closed_date IS NOT NULL) AS DOUBLE),
	count(*) FILTER (WHERE outcome_end = 'in_progress' AND date_diff('day', received_date, $2) <= 30),
	count(*) FILTER (WHERE outcome_end = 'in_progress' AND date_diff('day', received_date, $2) BETWEEN 31 AND 90),
	count(*) FILTER (WHERE outcome_end = 'in_progress' AND date_diff('day', received_date, $2) BETWEEN 91 AND 180),
	count(*) FILTER (WHERE outcome_end = 'in_progress' AND date_diff('day', received_date, $2) > 180),
	count(*) FILTER (WHERE inp AND escalated),
	count(*) FILTER (WHERE inp AND repeat)
FROM c
GROUP BY GROUPING SETS ((unit_code), (unit_code, team))
ORDER BY unit_code, unit_level DESC, team_name`

// Scorecard returns the tallies of the cases received from..to (inclusive,
// cut at asOf), one per unit with any case up to then (Team "") and one per
// named team. The backlog is counted at min(to, asOf).
func (w *Warehouse) Scorecard(ctx context.Context, from, to, asOf time.Time) ([]scorecard.Tally, error) {
	end := minDay(to, asOf)
	rows, err := w.db.QueryContext(ctx, scorecardSQL, dayOf(asOf), end, dayOf(from))
	if err != nil {
		return nil, fmt.Errorf("warehouse: scorecard: %w", err)
	}
	defer rows.Close()
	var out []scorecard.Tally
	for rows.Next() {
		var t scorecard.Tally
		var unitLevel int
		var med sql.NullFloat64
		if err := rows.Scan(&t.UnitCode, &t.Team, &unitLevel, &t.Received, &t.Settled, &t.NotSettled, &t.InProgress,
			&t.ByCategory[0], &t.ByCategory[1], &t.ByCategory[2], &med,
			&t.OpenByAge[0], &t.OpenByAge[1], &t.OpenByAge[2], &t.OpenByAge[3], &t.Escalated, &t.Repeat); err != nil {
			return nil, fmt.Errorf("warehouse: scorecard: %w", err)
		}
		if unitLevel == 1 {
			t.Team = ""
		} else if t.Team == "" {
			continue // cases without a team count for the unit only
		}
		t.MedianDaysToClose = math.NaN()
		if med.Valid {
			t.MedianDaysToClose = med.Float64
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// MonthRate is the city-wide outcome count of the cases received in a month.
type MonthRate struct {
	Month                         time.Time // first day
	Received, Settled, InProgress int
}

// MonthlyRates returns, for each month from the month of from to the month
// of to (cut at asOf), the city's cases received, settled and in progress
// (outcomes as on asOf); months without cases are present with zeros.
func (w *Warehouse) MonthlyRates(ctx context.Context, from, to, asOf time.Time) ([]MonthRate, error) {
	end := minDay(to, asOf)
	first := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	rows, err := w.db.QueryContext(ctx, `
		SELECT CAST(date_trunc('month', received_date) AS DATE) AS m, count(*),
			count(*) FILTER (WHERE outcome = 'settled' AND (closed_date IS NULL OR closed_date <= $1)),
			count(*) FILTER (WHERE outcome = 'in_progress' OR closed_date > $1)
		FROM cases WHERE received_date BETWEEN $2 AND $3 GROUP BY ALL ORDER BY m`, dayOf(asOf), first, end)
	if err != nil {
		return nil, fmt.Errorf("warehouse: monthly rates: %w", err)
	}
	defer rows.Close()
	got := map[time.Time]MonthRate{}
	for rows.Next() {
		var r MonthRate
		if err := rows.Scan(&r.Month, &r.Received, &r.Settled, &r.InProgress); err != nil {
			return nil, fmt.Errorf("warehouse: monthly rates: %w", err)
		}
		r.Month = dayOf(r.Month)
		got[r.Month] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: monthly rates: %w", err)
	}
	var out []MonthRate
	for m := first; !m.After(end); m = m.AddDate(0, 1, 0) {
		r, ok := got[m]
		if !ok {
			r = MonthRate{Month: m}
		}
		out = append(out, r)
	}
	return out, nil
}

// LastCaseDates returns the newest received date on or before asOf of each
// unit that has a case.
func (w *Warehouse) LastCaseDates(ctx context.Context, asOf time.Time) (map[string]time.Time, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT unit_code, max(received_date) FROM cases
		WHERE received_date <= ? GROUP BY unit_code`, dayOf(asOf))
	if err != nil {
		return nil, fmt.Errorf("warehouse: last cases: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var u string
		var d time.Time
		if err := rows.Scan(&u, &d); err != nil {
			return nil, fmt.Errorf("warehouse: last cases: %w", err)
		}
		out[u] = dayOf(d)
	}
	return out, rows.Err()
}

// TeamCounts returns the number of distinct named mediation teams in each
// unit's cases received on or before end.
func (w *Warehouse) TeamCounts(ctx context.Context, end time.Time) (map[string]int, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT unit_code, count(DISTINCT team) FROM cases
		WHERE received_date <= ? AND coalesce(team, '') <> '' GROUP BY unit_code`, dayOf(end))
	if err != nil {
		return nil, fmt.Errorf("warehouse: team counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var u string
		var n int
		if err := rows.Scan(&u, &n); err != nil {
			return nil, fmt.Errorf("warehouse: team counts: %w", err)
		}
		out[u] = n
	}
	return out, rows.Err()
}

// CountReceived returns the number of cases received from..to (inclusive).
func (w *Warehouse) CountReceived(ctx context.Context, from, to time.Time) (int, error) {
	var n int
	if err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE received_date BETWEEN ? AND ?`,
		dayOf(from), dayOf(to)).Scan(&n); err != nil {
		return 0, fmt.Errorf("warehouse: count: %w", err)
	}
	return n, nil
}

func dayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func minDay(a, b time.Time) time.Time {
	a, b = dayOf(a), dayOf(b)
	if b.Before(a) {
		return b
	}
	return a
}
