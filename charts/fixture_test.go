package charts

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
)

// maliciousName is a unit name that would run script if it reached the page
// unescaped.
const maliciousName = `<img src=x onerror=alert(1)>`

// fixture is a three-unit report: two flagged units (one with a hostile
// name and an unknown, hostile reason code) and one unit without data. The
// GeoJSON in testdata gives units 00004 and 00025 the same display name, so
// only a join on the code colours the right region.
func fixture(t *testing.T) *ReportData {
	t.Helper()
	geo, err := os.ReadFile(filepath.Join("testdata", "units.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	week := models.Week{Year: 2026, Num: 47}
	var trend []WeekTotal
	for i := 7; i >= 0; i-- {
		trend = append(trend, WeekTotal{Week: week.Add(-i), Cases: float64(3 + (7-i)%4 + (7-i)/2), Serious: float64((7 - i) % 3)})
	}
	return &ReportData{
		Lang:        "vi",
		Week:        week,
		RunID:       "run-2026W47-test",
		GeneratedAt: time.Date(2026, 11, 23, 18, 30, 0, 0, time.FixedZone("ICT", 7*3600)),
		Units: []models.Unit{
			{Code: "00004", Name: "Ba Đình", FullName: "Phường Ba Đình", Type: "Phường", Population: 65023},
			{Code: "00008", Name: maliciousName, FullName: maliciousName, Type: "Phường", Population: 93536},
			{Code: "00025", Name: "Tân Lập", FullName: "Xã Tân Lập", Type: "Xã"},
		},
		MapGeoJSON: geo,
		Indicators: []models.Indicator{
			{RunID: "run-2026W47-test", UnitCode: "00008", Week: week, Observed: 6, Expected: 2, Ratio: 3, PValue: 0.012, QValue: 0.018,
				Serious: 1, SeriousShare: 1.0 / 6, SeriousBase: 0.15, Score: 3.1, Flagged: true, Tier: models.TierElevated,
				Reasons: []string{"excess", "neighbours", "<script>alert(2)</script>"}},
			{RunID: "run-2026W47-test", UnitCode: "00004", Week: week, Observed: 12, Expected: 3.5, Ratio: 12 / 3.5, PValue: 0.0004, QValue: 0.0012,
				Serious: 5, SeriousShare: 5.0 / 12, SeriousBase: 0.12, Score: 6.2, Flagged: true, Tier: models.TierHigh,
				Reasons: []string{"excess", "serious", "trend"}},
		},
		CityTrend:      trend,
		Window:         4,
		Warnings:       []string{"Thiếu sổ của 2 đơn vị", maliciousName},
		Neighbours:     []models.Neighbour{{A: "00004", B: "00008"}, {A: "00008", B: "00025"}},
		FormerDistrict: map[string]string{"00004": "Quận Ba Đình", "00008": "Quận Ba Đình", "00025": maliciousName},
		Panel:          fixturePanel(week),
		Settled:        map[string]SettledRate{"00004": {Settled: 30, Decided: 40}, "00008": {Settled: 9, Decided: 10}, "00025": {Settled: 2, Decided: 2}},
		SettledWeeks:   52,
		Subtopics: map[string][]SubtopicCount{"00004": {{Subtopic: "land", Window: 7, Baseline: 2.5}, {Subtopic: "debt", Window: 2, Baseline: 1}},
			"00008": {{Subtopic: "noise", Window: 6, Baseline: 1.5}}},
		Cases: map[string][]CaseRow{"00008": {
			{Key: "a1b2c3d4e5f6", Received: week.Monday().AddDate(0, 0, -10), Category: "civil", Subtopic: "noise", Outcome: "in_progress", DaysOpen: 16, Village: maliciousName},
			{Key: "0f0e0d0c0b0a", Received: week.Monday().AddDate(0, 0, -20), Category: "family", Subtopic: "spouse", Outcome: "not_settled", DaysOpen: 9, Violence: true, ReferredTo: "police"},
		}},
		Quality: &Quality{
			Since:             time.Date(2026, 11, 16, 18, 30, 0, 0, time.UTC),
			Batches:           []BatchRow{{File: "logbook_2026-11.csv", Finished: time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC), Read: 120, Loaded: 110, Updated: 3, Duplicate: 4, Quarantined: 2, Ignored: 1}},
			QuarantineReasons: []ReasonCount{{Field: "Ngày nhận", Reason: maliciousName, Rows: 2}},
			SilentWeeks:       8,
			Silent:            []SilentUnit{{Code: "00025", Weeks: 11, LastCase: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)}},
			LateDays:          60,
			Late:              []LateCount{{File: "logbook_2026-11.csv", Late: 5, MaxDays: 95}},
		},
	}
}

// fixturePanel is 60 weeks of deterministic counts for the three units,
// with recomputed indicators for the last 10 weeks and unit 00004 flagged
// in the last 3.
func fixturePanel(week models.Week) *UnitPanel {
	const T = 60
	units := []string{"00004", "00008", "00025"}
	p := &UnitPanel{Start: week.Add(-(T - 1)), Units: units, Category: map[string][][]float64{}}
	mk := func(f func(u, t int) float64) [][]float64 {
		m := make([][]float64, len(units))
		for u := range m {
			m[u] = make([]float64, T)
			for t := range m[u] {
				m[u][t] = f(u, t)
			}
		}
		return m
	}
	p.Counts = mk(func(u, t int) float64 { return float64((u+1)*(t%5) + t/20) })
	p.Serious = mk(func(u, t int) float64 { return float64((t + u) % 2) })
	p.Category["civil"] = mk(func(u, t int) float64 { return p.Counts[u][t] - float64(t%2) - float64(t%3/2) })
	p.Category["family"] = mk(func(u, t int) float64 { return float64(t % 2) })
	p.Category["other"] = mk(func(u, t int) float64 { return float64(t % 3 / 2) })
	p.Violence = mk(func(u, t int) float64 { return float64((t + u) % 4 / 3) })
	p.Crime = mk(func(u, t int) float64 { return 0 })
	p.Referred = mk(func(u, t int) float64 { return float64((t * u) % 7 / 6) })
	nan := math.NaN()
	p.WindowObserved = mk(func(u, t int) float64 {
		if t < T-10 {
			return nan
		}
		return p.Counts[u][t] + p.Counts[u][t-1] + p.Counts[u][t-2] + p.Counts[u][t-3]
	})
	p.WindowExpected = mk(func(u, t int) float64 {
		if t < T-10 {
			return nan
		}
		return float64(3 * (u + 1))
	})
	p.WindowFlagged = make([][]bool, len(units))
	for u := range units {
		p.WindowFlagged[u] = make([]bool, T)
	}
	for t := T - 3; t < T; t++ {
		p.WindowFlagged[0][t] = true
	}
	return p
}

// echartsJS finds the pinned echarts build; the tests fail (not skip)
// without it, because CI runs `npm ci` first.
func echartsJS(t *testing.T) []byte {
	t.Helper()
	js, err := FindECharts("")
	if err != nil {
		t.Fatalf("echarts not found: %v\nrun `npm ci` in the repository root", err)
	}
	return js
}
