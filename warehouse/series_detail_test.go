package warehouse

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
)

// seriesCases are six known cases over 2025-W36..W41 in two units.
func seriesCases() []models.Case {
	c := func(key, unit string, d time.Time, cat models.Category, sub models.Subtopic, o models.Outcome) models.Case {
		x := testCase(key, unit, d, o)
		x.Category, x.Subtopic = cat, sub
		return x
	}
	cs := []models.Case{
		c("id:1", "00004", day(2025, 9, 1), models.CategoryCivil, models.SubtopicLand, models.OutcomeSettled),       // W36
		c("id:2", "00004", day(2025, 9, 3), models.CategoryFamily, models.SubtopicSpouse, models.OutcomeNotSettled), // W36
		c("id:3", "00004", day(2025, 9, 10), models.CategoryCivil, models.SubtopicDebt, models.OutcomeInProgress),   // W37
		c("id:4", "00008", day(2025, 9, 9), models.CategoryOther, models.SubtopicNoise, models.OutcomeSettled),      // W37
		c("id:5", "00008", day(2025, 10, 6), models.CategoryCivil, models.SubtopicLand, models.OutcomeSettled),      // W41
		c("id:6", "00004", day(2025, 10, 12), models.CategoryCivil, models.SubtopicLand, models.OutcomeSettled),     // W41
	}
	cs[1].ViolenceRisk, cs[1].ReferredTo = true, models.ReferralPolice
	cs[2].CrimeSigns, cs[2].ReferredTo = true, models.ReferralCourt
	// Case 6 is the parties of case 1 again, 41 days later: a repeat.
	cs[0].PartiesHash, cs[5].PartiesHash = "p1", "p1"
	// The same parties in another unit (00008) are not a repeat there.
	cs[4].PartiesHash = "p1"
	return cs
}

func TestSeriesBy(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	b := &Batch{File: "s.csv", SHA256: "cccccccccccccccc", Read: 6, StartedAt: time.Now()}
	if err := w.IngestBatch(ctx, b, seriesCases(), nil); err != nil {
		t.Fatal(err)
	}
	from, to := models.Week{Year: 2025, Num: 34}, models.Week{Year: 2025, Num: 41} // 8 weeks
	get := func(dim string) *LabelledCounts {
		t.Helper()
		lc, err := w.SeriesBy(ctx, from, to, dim)
		if err != nil {
			t.Fatal(err)
		}
		if len(lc.Units) != 126 || lc.Start != from || lc.Period != 1 {
			t.Fatalf("%s: %d units, start %v, period %d", dim, len(lc.Units), lc.Start, lc.Period)
		}
		return lc
	}
	unit := func(lc *LabelledCounts, code string) int {
		for i, u := range lc.Units {
			if u == code {
				return i
			}
		}
		t.Fatalf("no unit %s", code)
		return -1
	}
	series := func(lc *LabelledCounts, label, code string) []float64 {
		t.Helper()
		k := lc.Label(label)
		if k < 0 {
			t.Fatalf("%s: no label %s in %v", lc.Dim, label, lc.Labels)
		}
		return lc.Values[k][unit(lc, code)]
	}
	tot := get(DimTotal)
	if got, want := series(tot, "total", "00004"), []float64{0, 0, 2, 1, 0, 0, 0, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("total 00004 = %v, want %v", got, want)
	}
	cat := get(DimCategory)
	if !reflect.DeepEqual(cat.Labels, []string{"civil", "family", "other"}) {
		t.Errorf("category labels %v", cat.Labels)
	}
	for _, tc := range []struct {
		lc          *LabelledCounts
		label, unit string
		want        []float64
	}{
		{cat, "civil", "00004", []float64{0, 0, 1, 1, 0, 0, 0, 1}},
		{cat, "family", "00004", []float64{0, 0, 1, 0, 0, 0, 0, 0}},
		{cat, "other", "00008", []float64{0, 0, 0, 1, 0, 0, 0, 0}},
		{get(DimSubtopic), "land", "00008", []float64{0, 0, 0, 0, 0, 0, 0, 1}},
	} {
		if got := series(tc.lc, tc.label, tc.unit); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s %s %s = %v, want %v", tc.lc.Dim, tc.label, tc.unit, got, tc.want)
		}
	}
	sev := get(DimSeverity)
	if !reflect.DeepEqual(sev.Labels, SeverityEventNames) {
		t.Errorf("severity labels %v", sev.Labels)
	}
	for label, want := range map[string][]float64{
		"not_settled": {0, 0, 1, 0, 0, 0, 0, 0},
		"violence":    {0, 0, 1, 0, 0, 0, 0, 0},
		"police":      {0, 0, 1, 0, 0, 0, 0, 0},
		"crime":       {0, 0, 0, 1, 0, 0, 0, 0},
		"court":       {0, 0, 0, 1, 0, 0, 0, 0},
		"repeat":      {0, 0, 0, 0, 0, 0, 0, 1},
	} {
		if got := series(sev, label, "00004"); !reflect.DeepEqual(got, want) {
			t.Errorf("severity %s 00004 = %v, want %v", label, got, want)
		}
	}
	if got := series(sev, "repeat", "00008"); !reflect.DeepEqual(got, make([]float64, 8)) {
		t.Errorf("00008 repeats %v: the same parties in another unit are not a repeat", got)
	}

	// 4-weekly: blocks end at the last week, W34..W37 and W38..W41.
	four, err := tot.Aggregate(4)
	if err != nil {
		t.Fatal(err)
	}
	if four.Period != 4 || four.Start != from {
		t.Errorf("aggregate: period %d, start %v", four.Period, four.Start)
	}
	if got := series(four, "total", "00004"); !reflect.DeepEqual(got, []float64{3, 1}) {
		t.Errorf("4-weekly 00004 = %v, want [3 1]", got)
	}
	three, err := tot.Aggregate(3) // 8 = 2 + 3 + 3: W34..W35 dropped
	if err != nil {
		t.Fatal(err)
	}
	if three.Start != (models.Week{Year: 2025, Num: 36}) || !reflect.DeepEqual(series(three, "total", "00004"), []float64{3, 1}) {
		t.Errorf("3-weekly: start %v, %v", three.Start, series(three, "total", "00004"))
	}
	if _, err := tot.Aggregate(9); err == nil {
		t.Error("aggregate over more columns than the panel has: no error")
	}
	if _, err := w.SeriesBy(ctx, from, to, "category; DROP TABLE cases"); err == nil {
		t.Error("dimension outside the allow-list accepted")
	}
	if _, err := w.SeriesBy(ctx, to, from, DimTotal); err == nil {
		t.Error("empty week range accepted")
	}
}

func TestAggregateBlocks(t *testing.T) {
	if got := AggregateBlocks([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9}, 4); !reflect.DeepEqual(got, []float64{14, 30}) {
		t.Errorf("AggregateBlocks = %v, want [14 30]", got)
	}
	if AggregateBlocks([]float64{1, 2}, 3) != nil || AggregateBlocks([]float64{1}, 0) != nil {
		t.Error("want nil for too short a series or k < 1")
	}
}

func TestDetectorAndSpatialResults(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	wk := models.Week{Year: 2026, Num: 10}
	nan := math.NaN()
	dr := []DetectorResult{
		{UnitCode: "00008", Week: wk, Detector: "farrington", Observed: 7, Expected: 2.5, UpperBound: 5.1, Alarm: true, PValue: 0.004, Settings: `{"b":3}`},
		{UnitCode: "00004", Week: wk, Detector: "escalation", Observed: 1, Expected: 1.2, UpperBound: nan, PValue: nan},
		{UnitCode: "00004", Week: wk, Detector: "farrington", Observed: 1, Expected: 1.1, UpperBound: 3, PValue: 0.6, Settings: `{"b":3}`},
	}
	if err := w.SaveDetectorResults(ctx, "run-a", dr); err != nil {
		t.Fatal(err)
	}
	got, err := w.DetectorResults(ctx, "run-a", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Detector != "escalation" || got[2].UnitCode != "00008" || !got[2].Alarm || got[2].UpperBound != 5.1 {
		t.Fatalf("DetectorResults = %+v", got)
	}
	if !math.IsNaN(got[0].UpperBound) || !math.IsNaN(got[0].PValue) || got[0].Settings != "{}" {
		t.Errorf("NULLs and empty settings: %+v", got[0])
	}
	if f, _ := w.DetectorResults(ctx, "run-a", "farrington"); len(f) != 2 {
		t.Errorf("farrington only: %d rows", len(f))
	}
	// A duplicate key fails and leaves nothing of the run behind.
	if err := w.SaveDetectorResults(ctx, "run-b", []DetectorResult{dr[0], dr[0]}); err == nil {
		t.Error("duplicate detector result accepted")
	}
	if b, _ := w.DetectorResults(ctx, "run-b", ""); len(b) != 0 {
		t.Errorf("failed run left %d rows", len(b))
	}

	sr := []SpatialResult{
		{UnitCode: "00004", Week: wk, Value: 1.4, GiZ: 2.5, GiP: 0.0124, GiQ: 0.05, MoranI: 0.8, MoranP: 0.1, MoranQ: 0.3,
			Quadrant: "High-High", HotSpotClass: "new hot spot", MKTau: 0.2, MKP: 0.04, Settings: `{"periods":26}`},
		{UnitCode: "00025", Week: wk, Value: 0, GiZ: nan, GiP: nan, GiQ: nan, MoranI: nan, MoranP: nan, MoranQ: nan,
			HotSpotClass: "no pattern", MKTau: nan, MKP: nan},
	}
	if err := w.SaveSpatialResults(ctx, "run-a", sr); err != nil {
		t.Fatal(err)
	}
	gs, err := w.SpatialResults(ctx, "run-a")
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 2 || !reflect.DeepEqual(gs[0], sr[0]) || gs[1].HotSpotClass != "no pattern" || !math.IsNaN(gs[1].GiZ) {
		t.Errorf("SpatialResults = %+v", gs)
	}
}
