package scorecard

import "math"

// Age bands of the open-case backlog, in days since the case was received,
// counted at the end of the period (or the as-of date if earlier).
var AgeBands = []AgeBand{{0, 30}, {31, 90}, {91, 180}, {181, -1}}

// AgeBand is a range of ages in days; Max < 0 means no upper bound.
type AgeBand struct{ Min, Max int }

// Tally is the aggregate of the cases of one unit, or of one team of a
// unit, received in a period, as warehouse.Scorecard computes it in SQL.
type Tally struct {
	UnitCode string
	Team     string // "" for a whole unit

	Received   int // cases received in the period
	Settled    int // ... of which hòa giải thành
	NotSettled int // ... hòa giải không thành
	InProgress int // ... đang giải quyết
	ByCategory [3]int

	// MedianDaysToClose is the median of closed − received (days) over the
	// period's cases that are closed; NaN when none is.
	MedianDaysToClose float64
	// OpenByAge counts cases open at the end of the period (received by
	// then and not closed by then, whenever received), by AgeBands.
	OpenByAge [4]int
	// Escalated counts the period's cases referred to the police or a
	// court, or with violence-risk or crime-sign flags.
	Escalated int
	// Repeat counts the period's cases whose parties (same parties_hash)
	// had an earlier case in the same unit.
	Repeat int
}

// Decided is the denominator of the settled rate: received − in progress.
func (t Tally) Decided() int { return t.Received - t.InProgress }

// SettledRate is the city's success rate, settled / (received − in
// progress); NaN when no case was decided.
func (t Tally) SettledRate() float64 { return ratio(t.Settled, t.Decided()) }

// EscalationShare is Escalated / Received; NaN when nothing was received.
func (t Tally) EscalationShare() float64 { return ratio(t.Escalated, t.Received) }

// RepeatShare is Repeat / Received; NaN when nothing was received.
func (t Tally) RepeatShare() float64 { return ratio(t.Repeat, t.Received) }

// Open is the backlog at the end of the period, all ages.
func (t Tally) Open() int {
	n := 0
	for _, v := range t.OpenByAge {
		n += v
	}
	return n
}

// Add accumulates u into t (for city totals). The median is not additive
// and is left unchanged.
func (t *Tally) Add(u Tally) {
	t.Received += u.Received
	t.Settled += u.Settled
	t.NotSettled += u.NotSettled
	t.InProgress += u.InProgress
	for i := range t.ByCategory {
		t.ByCategory[i] += u.ByCategory[i]
	}
	for i := range t.OpenByAge {
		t.OpenByAge[i] += u.OpenByAge[i]
	}
	t.Escalated += u.Escalated
	t.Repeat += u.Repeat
}

func ratio(a, b int) float64 {
	if b <= 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}
