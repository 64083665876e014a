package scorecard_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/canhbao/canhbao/scorecard"
)

func itoa(n int) string { return strconv.Itoa(n) }

func TestParsePeriod(t *testing.T) {
	for _, c := range []struct {
		in, label string
		from, to  time.Time
	}{
		{"2026", "2026", day(2026, 1, 1), day(2026, 12, 31)},
		{"2026-H1", "2026-H1", day(2026, 1, 1), day(2026, 6, 30)},
		{"2026-h2", "2026-H2", day(2026, 7, 1), day(2026, 12, 31)},
		{"2026-Q3", "2026-Q3", day(2026, 7, 1), day(2026, 9, 30)},
		{"2026-M07", "2026-M07", day(2026, 7, 1), day(2026, 7, 31)},
		{"2028-02", "2028-M02", day(2028, 2, 1), day(2028, 2, 29)},
	} {
		p, err := scorecard.ParsePeriod(c.in)
		if err != nil || p.Label != c.label || !p.From.Equal(c.from) || !p.To.Equal(c.to) {
			t.Errorf("%s: %+v %v", c.in, p, err)
		}
	}
	for _, bad := range []string{"", "26", "2026-H3", "2026-Q0", "2026-M13", "2026-X1", "2026H1", "2026-M+1", "abcd", "2026-Q-1", "2026-M007"} {
		if _, err := scorecard.ParsePeriod(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	p, _ := scorecard.ParsePeriod("2026-Q3")
	if ly := p.YearEarlier(); ly.Label != "2025-Q3" || p.Days() != 92 || len(p.Months()) != 3 {
		t.Errorf("year earlier %s, days %d, months %d", ly.Label, p.Days(), len(p.Months()))
	}
}

func TestSilentUnits(t *testing.T) {
	asOf := day(2026, 6, 30)
	last := map[string]time.Time{"a": day(2026, 6, 29), "b": day(2026, 6, 2), "c": day(2026, 3, 1)}
	// 4 weeks before 30/06 is 02/06: "b" (last case that day) is silent, "a" is not.
	got := scorecard.SilentUnits([]string{"a", "b", "c", "d"}, last, asOf, 4)
	if len(got) != 3 || got[0].UnitCode != "d" || got[0].Weeks != -1 || got[1].UnitCode != "c" || got[1].Weeks != 17 ||
		got[2].UnitCode != "b" || got[2].Weeks != 4 {
		t.Errorf("silent %+v", got)
	}
}

// Linear projection: 10 cases by 31/03 of a year (90 of 365 days) → factor
// 365/90 = 4.0556; settled 7, not 2, in progress 1 → 28.39, 8.11, 4.06 →
// total round(40.56) = 41 split by largest remainder: 28, 8, 4 = 40, +1 to
// the largest remainder (4.06 → .056, 8.11 → .111, 28.39 → .389): 29, 8, 4.
func TestLinearProjection(t *testing.T) {
	y, _ := scorecard.ParsePeriod("2026")
	tab, err := scorecard.BuildTable(y, day(2026, 3, 31), []string{"u"}, nil, nil,
		[]scorecard.Tally{{UnitCode: "u", Received: 10, Settled: 7, NotSettled: 2, InProgress: 1, ByCategory: [3]int{5, 3, 2}}},
		scorecard.LastYear{ToDate: 5, Total: 20})
	if err != nil {
		t.Fatal(err)
	}
	e := tab.EstimateCity
	if tab.Method != scorecard.ProjectLinear || e.Received != 41 || e.Settled != 29 || e.NotSettled != 8 || e.InProgress != 4 {
		t.Errorf("method %s factor %v estimate %+v", tab.Method, tab.Factor, e)
	}
	if _, err := scorecard.BuildTable(y, day(2025, 12, 1), nil, nil, nil, nil, scorecard.LastYear{}); err == nil {
		t.Error("as-of before the period accepted")
	}
}
