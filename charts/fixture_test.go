package charts

import (
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
		CityTrend: trend,
		Window:    4,
	}
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
