package warehouse

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/canhbao/canhbao/models"
)

// Dimensions accepted by SeriesBy.
const (
	DimTotal    = "total"    // one label, "total": cases received
	DimCategory = "category" // the official groups (models.Categories)
	DimSubtopic = "subtopic" // the derived subtopics (models.Subtopics)
	DimSeverity = "severity" // severity events (SeverityEventNames)
)

// SeverityEventNames are the labels of DimSeverity, each a count of cases
// received in the week:
//
//	not_settled  outcome not settled
//	violence     violence risk reported (Law on Grassroots Mediation 2013, art. 10(4))
//	crime        signs of a crime (art. 10(5))
//	police       referred to the police
//	court        referred to a court
//	repeat       the same parties (keyed hash) had an earlier case in the same
//	             unit within the 365 days before (as SeveritySeries)
var SeverityEventNames = []string{"not_settled", "violence", "crime", "police", "court", "repeat"}

// seriesSQL is the allow-list of dimensions: each query returns rows
// (unit_code VARCHAR, wk BIGINT, label VARCHAR, n DOUBLE), aggregated in
// DuckDB. Identifiers are fixed here; only the dates are placeholders.
var seriesSQL = map[string]string{
	DimTotal: `SELECT unit_code, ` + weekIndexSQL + ` AS wk, 'total' AS label, CAST(count(*) AS DOUBLE) AS n
		FROM cases WHERE received_date BETWEEN ? AND ? GROUP BY ALL`,
	DimCategory: `SELECT unit_code, ` + weekIndexSQL + ` AS wk, category AS label, CAST(count(*) AS DOUBLE) AS n
		FROM cases WHERE received_date BETWEEN ? AND ? GROUP BY ALL`,
	DimSubtopic: `SELECT unit_code, ` + weekIndexSQL + ` AS wk, subtopic AS label, CAST(count(*) AS DOUBLE) AS n
		FROM cases WHERE received_date BETWEEN ? AND ? GROUP BY ALL`,
	DimSeverity: `WITH c AS (
		SELECT unit_code, received_date, outcome, violence_risk, crime_signs, referred_to,
			CASE WHEN parties_hash IS NULL OR parties_hash = '' THEN NULL ELSE
				lag(received_date) OVER (PARTITION BY unit_code, parties_hash ORDER BY received_date, case_key) END AS prev_date
		FROM cases),
	f AS (
		SELECT unit_code, ` + weekIndexSQL + ` AS wk,
			CAST(outcome = 'not_settled' AS INTEGER) AS not_settled,
			CAST(violence_risk AS INTEGER) AS violence,
			CAST(crime_signs AS INTEGER) AS crime,
			CAST(referred_to = 'police' AS INTEGER) AS police,
			CAST(referred_to = 'court' AS INTEGER) AS court,
			CAST(prev_date IS NOT NULL AND date_diff('day', prev_date, received_date) <= 365 AS INTEGER) AS repeat
		FROM c WHERE received_date BETWEEN ? AND ?)
	SELECT unit_code, wk, label, CAST(sum(v) AS DOUBLE) AS n
	FROM (UNPIVOT f ON not_settled, violence, crime, police, court, repeat INTO NAME label VALUE v)
	GROUP BY ALL HAVING sum(v) > 0`,
}

// weekIndexSQL is models.Week.Index of received_date: whole weeks since
// Monday 1970-01-05.
const weekIndexSQL = `CAST(date_diff('day', DATE '1970-01-05', received_date) // 7 AS BIGINT)`

// LabelledCounts is a dense label x current-unit x period panel of counts.
type LabelledCounts struct {
	Dim    string
	Units  []string      // current unit codes, in code order (as WeeklyCounts)
	Start  models.Week   // week of column 0 (the first week of the first period)
	Period int           // weeks per column: 1 (weekly) or 4 after Aggregate(4)
	Labels []string      // e.g. the categories; known labels first, then any other seen, sorted
	Values [][][]float64 // [label][unit][period]
}

// Label returns the row index of a label, -1 if absent.
func (lc *LabelledCounts) Label(name string) int {
	for i, l := range lc.Labels {
		if l == name {
			return i
		}
	}
	return -1
}

// SeriesBy counts the cases received per current unit and ISO week for the
// weeks from..to (inclusive), split by dim (DimTotal, DimCategory,
// DimSubtopic or DimSeverity); the counting is done in DuckDB and the result
// moved to Go through Arrow, like WeeklyCounts. Every known label has a row,
// zero-filled; a label in the data that is not known (a category written
// by a newer ingest) gets a row too, after the known ones.
func (w *Warehouse) SeriesBy(ctx context.Context, from, to models.Week, dim string) (*LabelledCounts, error) {
	q, ok := seriesSQL[dim]
	if !ok {
		return nil, fmt.Errorf("warehouse: series dimension %q (want total, category, subtopic or severity)", dim)
	}
	if to.Before(from) {
		return nil, fmt.Errorf("warehouse: week range %s..%s is empty", from, to)
	}
	units, err := w.currentCodes(ctx)
	if err != nil {
		return nil, err
	}
	var labels []string
	switch dim {
	case DimTotal:
		labels = []string{"total"}
	case DimCategory:
		for _, c := range models.Categories {
			labels = append(labels, string(c))
		}
	case DimSubtopic:
		for _, s := range models.Subtopics {
			labels = append(labels, string(s))
		}
	case DimSeverity:
		labels = append(labels, SeverityEventNames...)
	}
	type cell struct {
		unit, wk int
		label    string
		n        float64
	}
	var cells []cell
	err = w.scanUnitWeeks(ctx, units, from, to, q, []any{from.Monday(), to.Sunday()},
		func(rec arrow.Record, i, r, c int) error {
			lbs, ok1 := rec.Column(2).(*array.String)
			ns, ok2 := rec.Column(3).(*array.Float64)
			if !ok1 || !ok2 {
				return fmt.Errorf("unexpected Arrow schema %s", rec.Schema())
			}
			// Value aliases the record's buffer, released after the query: copy.
			cells = append(cells, cell{r, c, strings.Clone(lbs.Value(i)), ns.Value(i)})
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("warehouse: %s series: %w", dim, err)
	}
	idx := make(map[string]int, len(labels))
	for i, l := range labels {
		idx[l] = i
	}
	var extra []string
	for _, c := range cells {
		if _, ok := idx[c.label]; !ok {
			idx[c.label] = -1
			extra = append(extra, c.label)
		}
	}
	sort.Strings(extra)
	labels = append(labels, extra...)
	for i, l := range labels {
		idx[l] = i
	}
	lc := &LabelledCounts{Dim: dim, Units: units, Start: from, Period: 1, Labels: labels,
		Values: make([][][]float64, len(labels))}
	for k := range lc.Values {
		lc.Values[k] = make([][]float64, len(units))
		for i := range units {
			lc.Values[k][i] = make([]float64, to.Sub(from)+1)
		}
	}
	for _, c := range cells {
		lc.Values[idx[c.label]][c.unit][c.wk] += c.n
	}
	return lc, nil
}

// Aggregate returns the panel summed over blocks of k columns (k = 4 gives
// 4-weekly counts). Blocks are aligned to the END of the panel, so the last
// column is always the k periods ending at the last week; a first block that
// would be incomplete is dropped, and Start moves to the first kept week.
// The receiver is not modified. k must be >= 1 and at most the number of
// columns.
func (lc *LabelledCounts) Aggregate(k int) (*LabelledCounts, error) {
	if lc == nil {
		return nil, fmt.Errorf("warehouse: aggregate of a nil panel")
	}
	cols := 0
	if len(lc.Values) > 0 && len(lc.Values[0]) > 0 {
		cols = len(lc.Values[0][0])
	}
	if k < 1 || k > cols {
		return nil, fmt.Errorf("warehouse: cannot aggregate %d columns in blocks of %d", cols, k)
	}
	m := cols / k
	skip := cols - m*k
	out := &LabelledCounts{Dim: lc.Dim, Units: lc.Units, Start: lc.Start.Add(skip * lc.Period), Period: lc.Period * k,
		Labels: lc.Labels, Values: make([][][]float64, len(lc.Values))}
	for l, byUnit := range lc.Values {
		out.Values[l] = make([][]float64, len(byUnit))
		for u, s := range byUnit {
			out.Values[l][u] = AggregateBlocks(s, k)
		}
	}
	return out, nil
}

// AggregateBlocks sums s over consecutive blocks of k values aligned to the
// end of s (the last block ends at the last value); leading values that do
// not fill a block are dropped. It returns nil when k < 1 or len(s) < k.
func AggregateBlocks(s []float64, k int) []float64 {
	if k < 1 || len(s) < k {
		return nil
	}
	m := len(s) / k
	skip := len(s) - m*k
	out := make([]float64, m)
	for j := range out {
		for _, v := range s[skip+j*k : skip+(j+1)*k] {
			out[j] += v
		}
	}
	return out
}
