package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/canhbao/canhbao/models"
)

// Severity signals counted per unit and week by SeveritySeries, in the order
// of SignalPanel.Names. Every signal is dated by the day it became known, so
// that the counts of weeks <= t use only what a weekly run at week t could
// have seen (no look-ahead from the warehouse's final snapshot):
//
//	not_settled  mediation ended without agreement, dated by the closing date (a
//	             case with no closing date is not counted: when it failed is unknown)
//	violence     violence risk reported (Law on Grassroots Mediation art. 10(4)), dated by receipt
//	crime        signs of a crime (art. 10(5)), dated by receipt
//	referral     referred to the police or the court, dated by the closing date (receipt when none)
//	repeat       the same parties (keyed hash) had a case in the same unit within the 365 days before, dated by receipt
//	long_open    a case not closed within 30 days of receipt, dated by day 31 (so a case
//	             still open at week t counts once it is 31 days old, closed later or never)
//	land         subtopic land or boundary, the disputes police name as a main driver of escalation, dated by receipt
//	tension      the summary describes an escalating conflict (threats, shouting, scuffles, recurrence; the
//	             tension flag of migration 011, derived at ingest), dated by receipt
//
// SeriousKnown is the serious-case series the risk features use instead of the
// one of WeeklyCounts, whose not-settled and referral parts are only known
// when a case closes: cases received in the week with violence risk or crime
// signs (known at intake; never more than the week's cases). Not settled and
// referrals enter the features through their own closing-dated signals.
var SeverityNames = []string{"not_settled", "violence", "crime", "referral", "repeat", "long_open", "land", "tension"}

// severitySQL computes the signals as (unit, week, signal index, count) rows;
// the date window is applied to the dates the signals became known. Index
// len(SeverityNames) is SeriousKnown.
//
// Only cases that can give a signal in the window are read (parameters 1
// and 2: the window's first day less 366 days, and its first day): a case
// received before that and not closed within the window has no signal
// dated in it, and the repeat flag, which compares a case with the previous
// one of the same parties within 365 days, gets the same answer from the
// cases received since (a previous case older than that is more than 365
// days before any case in the window). On the national benchmark (20M cases
// over 10 years) the window function over every case took minutes and
// gigabytes (BENCHMARKS.md); TestSeveritySeriesWindowExact checks the rule.
const severitySQL = `WITH c AS (
	SELECT unit_code, received_date, outcome, violence_risk, crime_signs, referred_to, subtopic, closed_date, tension,
		CASE WHEN parties_hash IS NULL OR parties_hash = '' THEN NULL ELSE
			lag(received_date) OVER (PARTITION BY unit_code, parties_hash ORDER BY received_date, case_key) END AS prev_date
	FROM cases WHERE received_date >= CAST(? AS DATE) OR closed_date >= CAST(? AS DATE)),
ev AS (
	SELECT unit_code, closed_date AS d, 0 AS k FROM c WHERE outcome = 'not_settled' AND closed_date IS NOT NULL
	UNION ALL SELECT unit_code, received_date, 1 FROM c WHERE violence_risk
	UNION ALL SELECT unit_code, received_date, 2 FROM c WHERE crime_signs
	UNION ALL SELECT unit_code, coalesce(closed_date, received_date), 3 FROM c WHERE referred_to IN ('police', 'court')
	UNION ALL SELECT unit_code, received_date, 4 FROM c
		WHERE prev_date IS NOT NULL AND date_diff('day', prev_date, received_date) <= 365
	UNION ALL SELECT unit_code, CAST(received_date + INTERVAL 31 DAY AS DATE), 5 FROM c
		WHERE closed_date IS NULL OR date_diff('day', received_date, closed_date) > 30
	UNION ALL SELECT unit_code, received_date, 6 FROM c WHERE subtopic IN ('land', 'boundary')
	UNION ALL SELECT unit_code, received_date, 7 FROM c WHERE tension
	UNION ALL SELECT unit_code, received_date, 8 FROM c WHERE violence_risk OR crime_signs)
SELECT unit_code, CAST(date_diff('day', DATE '1970-01-05', d) // 7 AS BIGINT) AS wk, CAST(k AS BIGINT),
	CAST(count(*) AS DOUBLE)
FROM ev WHERE d BETWEEN ? AND ? GROUP BY ALL`

// SignalPanel is a dense current-unit x week panel of several counts.
type SignalPanel struct {
	Units  []string      // current unit codes, in code order (as WeeklyCounts)
	Start  models.Week   // week of column 0
	Names  []string      // signal names
	Values [][][]float64 // [signal][unit][week]
	// SeriousKnown is [unit][week] serious cases dated by when they became
	// known (see SeverityNames).
	SeriousKnown [][]float64
}

// SeveritySeries counts the severity signals of SeverityNames (and
// SeriousKnown) per current unit and ISO week, by the week each became known,
// for the weeks from..to (inclusive), aggregated in DuckDB and moved to Go
// through Arrow like WeeklyCounts.
func (w *Warehouse) SeveritySeries(ctx context.Context, from, to models.Week) (*SignalPanel, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("warehouse: week range %s..%s is empty", from, to)
	}
	units, err := w.currentCodes(ctx)
	if err != nil {
		return nil, err
	}
	n := to.Sub(from) + 1
	sp := &SignalPanel{Units: units, Start: from, Names: append([]string(nil), SeverityNames...),
		Values: make([][][]float64, len(SeverityNames))}
	for k := range sp.Values {
		sp.Values[k] = make([][]float64, len(units))
		for i := range units {
			sp.Values[k][i] = make([]float64, n)
		}
	}
	sp.SeriousKnown = make([][]float64, len(units))
	for i := range units {
		sp.SeriousKnown[i] = make([]float64, n)
	}
	first := from.Monday()
	err = w.scanUnitWeeks(ctx, units, from, to, severitySQL, []any{first.AddDate(0, 0, -366), first, first, to.Sunday()},
		func(rec arrow.Record, i, r, c int) error {
			k := int(rec.Column(2).(*array.Int64).Value(i))
			v := rec.Column(3).(*array.Float64).Value(i)
			switch {
			case k < len(sp.Values):
				sp.Values[k][r][c] += v
			case k == len(sp.Values):
				sp.SeriousKnown[r][c] += v
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("warehouse: severity series: %w", err)
	}
	return sp, nil
}

// Backtest is one stored `canhbao backtest` run: its settings and, per
// method (the model first, then the baselines), the metrics and calibration
// table as JSON (the shapes are those of the backtest's --json output).
type Backtest struct {
	ID        string
	CreatedAt time.Time
	From, To  models.Week
	Target    string
	Settings  string // JSON object
	Methods   []BacktestMethod
}

// BacktestMethod is the scorecard of one method of a Backtest.
type BacktestMethod struct {
	Name        string
	Metrics     string // JSON object
	Calibration string // JSON array
}

// SaveBacktest stores a backtest and its methods in one transaction.
func (w *Warehouse) SaveBacktest(ctx context.Context, b Backtest) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO backtests VALUES (?,?,?,?,?,?)`, b.ID, b.CreatedAt.UTC(),
		b.From.String(), b.To.String(), b.Target, b.Settings); err != nil {
		return fmt.Errorf("warehouse: backtest %s: %w", b.ID, err)
	}
	for i, m := range b.Methods {
		if _, err := tx.ExecContext(ctx, `INSERT INTO backtest_methods VALUES (?,?,?,?,?)`, b.ID, m.Name, i,
			m.Metrics, m.Calibration); err != nil {
			return fmt.Errorf("warehouse: backtest %s method %s: %w", b.ID, m.Name, err)
		}
	}
	return tx.Commit()
}

// LatestBacktest returns the newest stored backtest, nil when none exists.
func (w *Warehouse) LatestBacktest(ctx context.Context) (*Backtest, error) {
	b := &Backtest{}
	var from, to string
	err := w.db.QueryRowContext(ctx, `SELECT backtest_id, created_at, from_week, to_week, target, settings
		FROM backtests ORDER BY created_at DESC, backtest_id DESC LIMIT 1`).Scan(&b.ID, &b.CreatedAt, &from, &to,
		&b.Target, &b.Settings)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("warehouse: latest backtest: %w", err)
	}
	if b.From, err = models.ParseWeek(from); err != nil {
		return nil, err
	}
	if b.To, err = models.ParseWeek(to); err != nil {
		return nil, err
	}
	rows, err := w.db.QueryContext(ctx, `SELECT method, metrics, calibration FROM backtest_methods
		WHERE backtest_id = ? ORDER BY position`, b.ID)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m BacktestMethod
		if err := rows.Scan(&m.Name, &m.Metrics, &m.Calibration); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		b.Methods = append(b.Methods, m)
	}
	return b, rows.Err()
}
