package scorecard

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// TableRow is one line of the official statistics table.
type TableRow struct {
	UnitCode   string
	Name       string
	Teams      int // mediation teams recorded in the unit's logbooks up to the period's end
	Received   int
	Settled    int
	NotSettled int
	InProgress int
	ByCategory [3]int // Dân sự, Hôn nhân và gia đình, Khác (models.Categories order)
}

// SettledRate is settled / (received − in progress); NaN when undefined.
func (r TableRow) SettledRate() float64 { return ratio(r.Settled, r.Received-r.InProgress) }

// Projection methods for a period that ends after the as-of date.
const (
	ProjectNone     = ""            // period complete
	ProjectLastYear = "last_year"   // observed / (share of last year's same period received by the same day)
	ProjectLinear   = "linear_pace" // observed × days in period / days elapsed
)

// MinLastYearCases is the fewest cases last year's same period must have
// received by the same day before its share is trusted for projection.
const MinLastYearCases = 30

// Table is the official six-month or annual table of a period.
type Table struct {
	Period Period
	AsOf   time.Time
	Rows   []TableRow // actual figures to AsOf, one per unit, in code order
	City   TableRow   // sum of Rows

	// When the period ends after AsOf (the annual estimate due in
	// November), Projected is true and Estimate/EstimateCity hold the
	// figures for the whole period: observed × Factor, rounded so that each
	// row's parts sum to its total (largest remainder).
	Projected    bool
	Method       string
	Factor       float64
	Estimate     []TableRow
	EstimateCity TableRow
}

// LastYear is what the projection needs from the same period one year
// earlier: cases received by the same day of year, and in the whole period.
type LastYear struct{ ToDate, Total int }

// BuildTable assembles the table from per-unit tallies (missing units get
// zeros). names and teams are keyed by unit code. When p.To is after asOf
// the figures are projected to the whole period: by last year's share when
// last year had at least MinLastYearCases by the same day, else by linear
// pace. asOf before the period's first day is an error.
func BuildTable(p Period, asOf time.Time, units []string, names map[string]string, teams map[string]int,
	tallies []Tally, last LastYear) (*Table, error) {
	asOf = day(asOf)
	if asOf.Before(p.From) {
		return nil, fmt.Errorf("scorecard: as-of date %s is before period %s starts", asOf.Format("2006-01-02"), p.Label)
	}
	by := make(map[string]Tally, len(tallies))
	for _, t := range tallies {
		if t.Team == "" {
			by[t.UnitCode] = t
		}
	}
	codes := append([]string(nil), units...)
	sort.Strings(codes)
	t := &Table{Period: p, AsOf: asOf}
	t.City = TableRow{UnitCode: "", Name: ""}
	for _, c := range codes {
		tl := by[c]
		r := TableRow{UnitCode: c, Name: names[c], Teams: teams[c], Received: tl.Received, Settled: tl.Settled,
			NotSettled: tl.NotSettled, InProgress: tl.InProgress, ByCategory: tl.ByCategory}
		t.Rows = append(t.Rows, r)
		addRow(&t.City, r)
	}
	if !asOf.Before(p.To) {
		return t, nil
	}
	t.Projected = true
	elapsed := int(asOf.Sub(p.From).Hours()/24) + 1
	if last.ToDate >= MinLastYearCases && last.Total >= last.ToDate {
		t.Method, t.Factor = ProjectLastYear, float64(last.Total)/float64(last.ToDate)
	} else {
		t.Method, t.Factor = ProjectLinear, float64(p.Days())/float64(elapsed)
	}
	for _, r := range t.Rows {
		e := projectRow(r, t.Factor)
		t.Estimate = append(t.Estimate, e)
		addRow(&t.EstimateCity, e)
	}
	return t, nil
}

func addRow(dst *TableRow, r TableRow) {
	dst.Teams += r.Teams
	dst.Received += r.Received
	dst.Settled += r.Settled
	dst.NotSettled += r.NotSettled
	dst.InProgress += r.InProgress
	for i := range dst.ByCategory {
		dst.ByCategory[i] += r.ByCategory[i]
	}
}

// projectRow scales the counts of a row by f; the total is rounded and the
// outcome and category parts are apportioned to it by largest remainder.
func projectRow(r TableRow, f float64) TableRow {
	e := r
	out := apportion([]int{r.Settled, r.NotSettled, r.InProgress}, f)
	e.Settled, e.NotSettled, e.InProgress = out[0], out[1], out[2]
	e.Received = out[0] + out[1] + out[2]
	cat := apportion(r.ByCategory[:], f)
	copy(e.ByCategory[:], cat)
	return e
}

// apportion returns round(Σparts·f) split over the parts in proportion to
// parts·f by the largest-remainder method (ties to the earlier part).
func apportion(parts []int, f float64) []int {
	total := 0
	for _, v := range parts {
		total += v
	}
	want := int(math.Round(float64(total) * f))
	out := make([]int, len(parts))
	rem := make([]float64, len(parts))
	got := 0
	for i, v := range parts {
		x := float64(v) * f
		out[i] = int(math.Floor(x))
		rem[i] = x - float64(out[i])
		got += out[i]
	}
	idx := make([]int, len(parts))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return rem[idx[a]] > rem[idx[b]] })
	for k := 0; got < want && k < len(idx); k++ {
		out[idx[k]]++
		got++
	}
	return out
}
