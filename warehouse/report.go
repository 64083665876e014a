package warehouse

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/canhbao/canhbao/models"
)

// The read-only queries behind the report pages (charts/) and exports.

// DetailPanel is a current-unit x week panel of case counts by category and
// by sign of seriousness, aligned with WeeklyCounts (same unit order).
type DetailPanel struct {
	Units    []string
	Start    models.Week
	Category map[string][][]float64 // civil | family | other -> [unit][week]
	Violence [][]float64
	Crime    [][]float64
	Referred [][]float64 // referred to police or court
}

// WeeklyDetail aggregates cases received in from..to per unit, week and category.
func (w *Warehouse) WeeklyDetail(ctx context.Context, from, to models.Week) (*DetailPanel, error) {
	units, err := w.currentCodes(ctx)
	if err != nil {
		return nil, err
	}
	n := to.Sub(from) + 1
	if n <= 0 {
		return nil, fmt.Errorf("warehouse: week range %s..%s is empty", from, to)
	}
	dense := func() [][]float64 {
		m := make([][]float64, len(units))
		for i := range m {
			m[i] = make([]float64, n)
		}
		return m
	}
	p := &DetailPanel{Units: units, Start: from, Category: map[string][][]float64{},
		Violence: dense(), Crime: dense(), Referred: dense()}
	for _, c := range []string{"civil", "family", "other"} {
		p.Category[c] = dense()
	}
	row := make(map[string]int, len(units))
	for i, u := range units {
		row[u] = i
	}
	rows, err := w.db.QueryContext(ctx, `SELECT unit_code, CAST(date_diff('day', DATE '1970-01-05', received_date) // 7 AS BIGINT),
		category, count(*), count(*) FILTER (WHERE violence_risk), count(*) FILTER (WHERE crime_signs),
		count(*) FILTER (WHERE referred_to IN ('police', 'court'))
		FROM cases WHERE received_date BETWEEN ? AND ? GROUP BY ALL`, from.Monday(), to.Sunday())
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	first := from.Index()
	for rows.Next() {
		var code, cat string
		var wk int64
		var all, vio, cri, ref float64
		if err := rows.Scan(&code, &wk, &cat, &all, &vio, &cri, &ref); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		r, ok := row[code]
		c := int(wk) - first
		if !ok || c < 0 || c >= n {
			continue
		}
		if m, ok := p.Category[cat]; ok {
			m[r][c] += all
		} else {
			p.Category["other"][r][c] += all
		}
		p.Violence[r][c] += vio
		p.Crime[r][c] += cri
		p.Referred[r][c] += ref
	}
	return p, rows.Err()
}

// Settled is a unit's count of settled cases among those decided (settled
// or not settled) received from..to.
type Settled struct{ Settled, Decided float64 }

// SettledRates counts outcomes of cases received in [from, to] per current unit.
func (w *Warehouse) SettledRates(ctx context.Context, from, to time.Time) (map[string]Settled, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT unit_code, count(*) FILTER (WHERE outcome = 'settled'),
		count(*) FILTER (WHERE outcome IN ('settled', 'not_settled'))
		FROM cases WHERE received_date BETWEEN ? AND ? GROUP BY ALL`, from, to)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	out := map[string]Settled{}
	for rows.Next() {
		var code string
		var s Settled
		if err := rows.Scan(&code, &s.Settled, &s.Decided); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		out[code] = s
	}
	return out, rows.Err()
}

// FormerDistricts maps each current unit to the district (of the oldest unit
// list that has districts) contributing most of its crosswalk weight.
func (w *Warehouse) FormerDistricts(ctx context.Context) (map[string]string, error) {
	rows, err := w.db.QueryContext(ctx, `WITH v AS (
		  SELECT min(vintage) AS vintage FROM units WHERE vintage <> 'current' AND coalesce(district_name, '') <> ''),
		w AS (
		  SELECT x.new_code, u.district_name, sum(x.weight) AS wt
		  FROM crosswalk x JOIN v ON x.old_vintage = v.vintage
		  JOIN units u ON u.vintage = x.old_vintage AND u.code = x.old_code
		  GROUP BY ALL)
		SELECT new_code, arg_max(district_name, wt) FROM w GROUP BY new_code`)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var code, d string
		if err := rows.Scan(&code, &d); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		out[code] = d
	}
	return out, rows.Err()
}

// SubtopicCount is a unit's cases of one subtopic in a window and the
// average per window-length over a baseline period.
type SubtopicCount struct {
	Subtopic         string
	Window, Baseline float64
}

// Subtopics counts cases per unit and subtopic received in the window
// [winFrom, winTo] and, scaled to the window's length, in the baseline
// period [baseFrom, winFrom).
func (w *Warehouse) Subtopics(ctx context.Context, baseFrom, winFrom, winTo time.Time) (map[string][]SubtopicCount, error) {
	winDays := winTo.Sub(winFrom).Hours()/24 + 1
	baseDays := winFrom.Sub(baseFrom).Hours() / 24
	if baseDays <= 0 || winDays <= 0 {
		return nil, fmt.Errorf("warehouse: subtopics: empty period")
	}
	rows, err := w.db.QueryContext(ctx, `SELECT unit_code, subtopic,
		count(*) FILTER (WHERE received_date >= ?), count(*) FILTER (WHERE received_date < ?)
		FROM cases WHERE received_date BETWEEN ? AND ? GROUP BY ALL ORDER BY 1, 3 DESC, 4 DESC, 2`,
		winFrom, winFrom, baseFrom, winTo)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	out := map[string][]SubtopicCount{}
	for rows.Next() {
		var code string
		var s SubtopicCount
		if err := rows.Scan(&code, &s.Subtopic, &s.Window, &s.Baseline); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		s.Baseline *= winDays / baseDays
		out[code] = append(out[code], s)
	}
	return out, rows.Err()
}

// CaseRow is one case as a report may show it: a pseudonymous key, never
// names, ages, addresses or summaries.
type CaseRow struct {
	Key                          string // hash of case_key, 12 hex digits
	Received                     time.Time
	Closed                       time.Time // zero while open
	Category, Subtopic, Outcome  string
	Violence, Crime, Apportioned bool
	ReferredTo, Village          string
}

// PseudoKey is the pseudonym a report shows for a case key.
func PseudoKey(caseKey string) string {
	h := sha256.Sum256([]byte("canhbao-report:" + caseKey))
	return hex.EncodeToString(h[:6])
}

// CasesOf lists the cases of the given units received in [from, to].
func (w *Warehouse) CasesOf(ctx context.Context, units []string, from, to time.Time) (map[string][]CaseRow, error) {
	out := map[string][]CaseRow{}
	if len(units) == 0 {
		return out, nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(units)), ",")
	args := []any{from, to}
	for _, u := range units {
		args = append(args, u)
	}
	rows, err := w.db.QueryContext(ctx, `SELECT unit_code, case_key, received_date, closed_date, category, subtopic,
		outcome, violence_risk, crime_signs, apportioned, referred_to, coalesce(village, '')
		FROM cases WHERE received_date BETWEEN ? AND ? AND unit_code IN (`+ph+`) ORDER BY received_date, case_key`, args...)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, key string
		var c CaseRow
		var closed sql.NullTime
		if err := rows.Scan(&code, &key, &c.Received, &closed, &c.Category, &c.Subtopic, &c.Outcome,
			&c.Violence, &c.Crime, &c.Apportioned, &c.ReferredTo, &c.Village); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		c.Key = PseudoKey(key)
		c.Received = c.Received.UTC()
		if closed.Valid {
			c.Closed = closed.Time.UTC()
		}
		out[code] = append(out[code], c)
	}
	return out, rows.Err()
}

// BatchesSince returns the batches finished at or after since, oldest first.
func (w *Warehouse) BatchesSince(ctx context.Context, since time.Time) ([]Batch, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT batch_id, file, sha256, size_bytes, rows_read, loaded, updated,
		duplicate, quarantined, ignored, started_at, finished_at FROM ingest_batches
		WHERE finished_at >= ? ORDER BY finished_at, file`, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		var b Batch
		if err := rows.Scan(&b.BatchID, &b.File, &b.SHA256, &b.SizeBytes, &b.Read, &b.Loaded, &b.Updated,
			&b.Duplicate, &b.Quarantined, &b.Ignored, &b.StartedAt, &b.FinishedAt); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// ReasonCount is the number of quarantined rows for one field and reason.
type ReasonCount struct {
	Field, Reason string
	Rows          int
}

// QuarantineReasons counts the quarantined rows of batches finished at or after since.
func (w *Warehouse) QuarantineReasons(ctx context.Context, since time.Time) ([]ReasonCount, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT q.field, q.reason, count(*) FROM quarantine q
		JOIN ingest_batches b USING (batch_id) WHERE b.finished_at >= ? GROUP BY ALL ORDER BY 3 DESC, 1, 2`, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	var out []ReasonCount
	for rows.Next() {
		var r ReasonCount
		if err := rows.Scan(&r.Field, &r.Reason, &r.Rows); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LastReceived returns each current unit's newest received date on or
// before asOf; units without any case are absent.
func (w *Warehouse) LastReceived(ctx context.Context, asOf time.Time) (map[string]time.Time, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT unit_code, max(received_date) FROM cases WHERE received_date <= ? GROUP BY 1`, asOf)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var code string
		var t time.Time
		if err := rows.Scan(&code, &t); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		out[code] = t.UTC()
	}
	return out, rows.Err()
}

// LateCount is the number of late records a batch loaded.
type LateCount struct {
	File    string
	Late    int
	MaxDays int
}

// LateRecords counts, per batch finished at or after since, the cases it
// loaded that were received at least days before the batch's newest case.
func (w *Warehouse) LateRecords(ctx context.Context, since time.Time, days int) ([]LateCount, error) {
	// Each batch's newest case by a grouped aggregate joined back, not a
	// window over the batches' cases: after a history of 20M cases was
	// loaded, the window sorted every one of them (the national report
	// spent most of its minute and 7 GB here).
	rows, err := w.db.QueryContext(ctx, `WITH b AS (
		  SELECT batch_id, file, finished_at FROM ingest_batches WHERE finished_at >= ?),
		n AS (SELECT c.batch_id, max(c.received_date) AS newest FROM cases c JOIN b USING (batch_id) GROUP BY c.batch_id)
		SELECT b.file, count(*), CAST(max(date_diff('day', c.received_date, n.newest)) AS INTEGER)
		FROM cases c JOIN n USING (batch_id) JOIN b USING (batch_id)
		WHERE date_diff('day', c.received_date, n.newest) >= ? GROUP BY b.file, b.finished_at ORDER BY b.finished_at, b.file`,
		since.UTC(), days)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	var out []LateCount
	for rows.Next() {
		var l LateCount
		if err := rows.Scan(&l.File, &l.Late, &l.MaxDays); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// AllIndicators returns the indicators of the newest run of every analysed
// week up to and including upTo, oldest week first (for the
// indicators.parquet export: a report of an older week does not depend on
// later weeks' runs, and the order is fixed so the file is reproducible).
func (w *Warehouse) AllIndicators(ctx context.Context, upTo models.Week) ([]models.Indicator, error) {
	rows, err := w.db.QueryContext(ctx, `WITH r AS (
		  SELECT run_id, week, row_number() OVER (PARTITION BY week ORDER BY created_at DESC, run_id DESC) AS k
		  FROM analysis_runs WHERE week <= ?)
		SELECT run_id FROM r WHERE k = 1 ORDER BY week`, upTo.String())
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []models.Indicator
	for _, id := range ids {
		inds, err := w.Indicators(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, inds...)
	}
	return out, nil
}
