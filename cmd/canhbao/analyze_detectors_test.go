package main

import (
	"context"
	"encoding/json"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestAnalyzeDetectors runs the demo on six years (enough for Noufaily's
// b = 5 baseline at the last week) and checks the rows analyze stores per
// unit: one "noufaily" and one "glrnb"/"glrpois" row with settings naming
// the detector; then analyzes a week two years in, where the history is too
// short and EARS C3 runs instead, saying why.
func TestAnalyzeDetectors(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	ctx := context.Background()
	m, out := testMain(t)
	dir := t.TempDir()
	if err := m.Run(ctx, []string{"demo", "--out", dir, "--seed", "2", "--scale", "0.3", "--from", "04/01/2021", "--to", "22/11/2026"}); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	if !strings.Contains(out.String(), "analyze: detectors: noufaily 126 units") {
		t.Errorf("analyze output:\n%s", out)
	}
	db := filepath.Join(dir, "canhbao.duckdb")
	check := func(week string, want string) {
		w, err := warehouse.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		wk, _ := models.ParseWeek(week)
		run, err := w.LatestRun(ctx, wk)
		if err != nil || run == nil {
			t.Fatalf("no run for %s: %v", week, err)
		}
		rs, err := w.DetectorResults(ctx, run.RunID, "")
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, r := range rs {
			n[r.Detector]++
			if r.Detector == "escalation" {
				continue
			}
			var set map[string]any
			if err := json.Unmarshal([]byte(r.Settings), &set); err != nil || set["detector"] != r.Detector {
				t.Errorf("%s %s: settings %s", r.UnitCode, r.Detector, r.Settings)
			}
			// Noufaily withholds the bound below 5 cases in 4 weeks (limit54);
			// EARS C3's bound is NaN after a zero-variance baseline (R's NA).
			if r.Week != wk || r.Alarm && r.Observed == 0 ||
				strings.HasPrefix(r.Detector, "glr") && (r.Expected != r.Expected || !(r.UpperBound >= 0)) {
				t.Errorf("%s %s: %+v", r.UnitCode, r.Detector, r)
			}
			if r.Detector == "ears-c3" && !strings.Contains(r.Settings, "needs 263") {
				t.Errorf("ears-c3 without a reason: %s", r.Settings)
			}
		}
		if n[want] != 126 || n["glrnb"]+n["glrpois"] != 126 {
			t.Errorf("%s: detector rows %v, want 126 %s and 126 glrnb/glrpois", week, n, want)
		}
		checkBounds(t, ctx, w, run, rs, want)
	}
	check("2026-W47", "noufaily")
	checkBoundsInPage(t, ctx, db, filepath.Join(dir, "report"))
	out.Reset()
	if err := m.Run(ctx, []string{"analyze", "--db", db, "--week", "2023-W10"}); err != nil {
		t.Fatalf("analyze: %v\n%s", err, out)
	}
	check("2023-W10", "ears-c3")
}

// TestDetectGLRNB runs "canhbao detect --method glrnb" on a labelled
// reference file (phase 1 = weeks 1..55 by default) and requires R's glrnb_nb
// alarms and statistic (upperbound, relative 1e-6) week for week.
func TestDetectGLRNB(t *testing.T) {
	ref := filepath.Join("..", "..", "..", "shared", "data", "reference", "surveillance")
	in := filepath.Join(ref, "labelled", "m4.csv")
	if _, err := os.Stat(in); err != nil {
		t.Skip("reference data not available")
	}
	out := filepath.Join(t.TempDir(), "out.csv")
	m, errb := detectMain()
	if err := m.Run(context.Background(), []string{"detect", "--method", "glrnb", "--in", in, "--out", out}); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	want := map[string][2]string{}
	for _, r := range readAll(t, filepath.Join(ref, "weekly", "m4.csv"))[1:] {
		if r[2] == "glrnb_nb" {
			want[r[4]] = [2]string{r[9], r[10]}
		}
	}
	got := readAll(t, out)
	if len(got)-1 != len(want) || len(want) == 0 {
		t.Fatalf("%d result rows, R has %d", len(got)-1, len(want))
	}
	for _, r := range got[1:] {
		w := want[r[1]]
		g, _ := strconv.ParseFloat(r[6], 64)
		v, _ := strconv.ParseFloat(w[0], 64)
		if r[7] != w[1] || math.Abs(g-v) > 1e-6*math.Max(math.Abs(v), 1e-3) {
			t.Errorf("t=%s: statistic %s alarm %s, R %s %s", r[1], r[6], r[7], w[0], w[1])
		}
	}
}

// checkBounds checks the run's detector_bounds against its detector_results:
// per unit at most boundWeeks weeks up to the report week, all of the unit's
// detector, the report week's bound and alarm those of detector_results, an
// alarm only above the bound and never on a week without a case.
func checkBounds(t *testing.T, ctx context.Context, w *warehouse.Warehouse, run *warehouse.Run,
	rs []warehouse.DetectorResult, detector string) {
	t.Helper()
	bs, err := w.DetectorBounds(ctx, run.RunID)
	if err != nil {
		t.Fatal(err)
	}
	res := map[string]warehouse.DetectorResult{}
	for _, r := range rs {
		if r.Detector == detector {
			res[r.UnitCode] = r
		}
	}
	perUnit := map[string]int{}
	var alarms, finite int
	for _, b := range bs {
		perUnit[b.UnitCode]++
		if b.Detector != detector || run.Week.Before(b.Week) || run.Week.Sub(b.Week) >= boundWeeks {
			t.Errorf("bound %+v outside the %d weeks of %s up to %s", b, boundWeeks, detector, run.Week)
		}
		if b.Alarm && (b.Observed == 0 || !(b.Observed > b.UpperBound)) {
			t.Errorf("bound %+v: alarm not above the bound", b)
		}
		if b.Alarm {
			alarms++
		}
		if !math.IsNaN(b.UpperBound) {
			finite++
		}
		if b.Week == run.Week {
			r := res[b.UnitCode]
			same := r.UpperBound == b.UpperBound || math.IsNaN(r.UpperBound) && math.IsNaN(b.UpperBound)
			if !same || r.Alarm != b.Alarm || r.Observed != b.Observed {
				t.Errorf("%s: report-week bound %+v, detector_results %+v", b.UnitCode, b, r)
			}
		}
	}
	if len(perUnit) != len(res) || finite == 0 {
		t.Errorf("bounds for %d units (%d finite), %s rows for %d", len(perUnit), finite, detector, len(res))
	}
	t.Logf("%s %s: %d bounds (%d finite, %d alarms) for %d units", run.Week, detector, len(bs), finite, alarms, len(perUnit))
}

// checkBoundsInPage reads the locality pages of the report and requires the
// bound line of the weekly chart to hold the stored bound of every week
// (rounded to 2 decimals as drawn: tolerance 0.005), and the over-the-bound
// markers exactly on the stored alarms.
func checkBoundsInPage(t *testing.T, ctx context.Context, db, report string) {
	t.Helper()
	w, err := warehouse.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	wk, _, _ := w.LatestWeek(ctx)
	run, err := w.LatestRun(ctx, wk)
	if err != nil || run == nil {
		t.Fatalf("no run: %v", err)
	}
	bs, err := w.DetectorBounds(ctx, run.RunID)
	if err != nil || len(bs) == 0 {
		t.Fatalf("no bounds: %v", err)
	}
	byUnit := map[string][]warehouse.DetectorBound{}
	for _, b := range bs {
		byUnit[b.UnitCode] = append(byUnit[b.UnitCode], b)
	}
	checked, alarms := 0, 0
	for code, ub := range byUnit {
		html, err := os.ReadFile(filepath.Join(report, "units", code+".html"))
		if err != nil {
			t.Fatal(err)
		}
		const start = `show("unit-counts", `
		i := strings.Index(string(html), start)
		if i < 0 {
			t.Fatalf("%s: no weekly chart", code)
		}
		var opt struct {
			XAxis  []struct{ Data []string }
			Series []struct {
				Name string
				Data []json.RawMessage // bare numbers (bound) or {"value": x} (markers)
			}
		}
		if err := json.NewDecoder(strings.NewReader(string(html[i+len(start):]))).Decode(&opt); err != nil {
			t.Fatalf("%s: chart option: %v", code, err)
		}
		col := map[string]int{}
		for k, x := range opt.XAxis[0].Data {
			col[x] = k
		}
		var bound, over []*float64
		for _, s := range opt.Series {
			switch s.Name {
			case "Ngưỡng cảnh báo (Noufaily)":
				bound = pageValues(t, s.Data)
			case "Vượt ngưỡng cảnh báo":
				over = pageValues(t, s.Data)
			}
		}
		finite, anyAlarm := false, false
		for _, b := range ub {
			finite = finite || !math.IsNaN(b.UpperBound)
			anyAlarm = anyAlarm || b.Alarm
		}
		if !finite {
			continue // Noufaily withheld every bound (limit54): no line
		}
		if bound == nil || anyAlarm != (over != nil) {
			t.Errorf("%s: bound line %v, markers %v (stored alarms: %v)", code, bound != nil, over != nil, anyAlarm)
			continue
		}
		if over == nil {
			over = make([]*float64, len(bound))
		}
		for _, b := range ub {
			k, ok := col[b.Week.String()]
			if !ok {
				t.Errorf("%s: week %s of a stored bound not on the chart", code, b.Week)
				continue
			}
			g := bound[k]
			if math.IsNaN(b.UpperBound) != (g == nil) || g != nil && math.Abs(*g-b.UpperBound) > 0.005+1e-9 {
				t.Errorf("%s %s: page bound %v, stored %v", code, b.Week, g, b.UpperBound)
			}
			if (over[k] != nil) != b.Alarm {
				t.Errorf("%s %s: page marker %v, stored alarm %v", code, b.Week, over[k], b.Alarm)
			}
			if b.Alarm {
				alarms++
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no unit-week compared")
	}
	t.Logf("page bounds: %d unit-weeks equal the stored ones (%d over the bound)", checked, alarms)
}

// TestNoufailyWindowEqualsWeek backs analyzeDetectors' assumption that
// Noufaily over the chart's boundWeeks weeks gives, for each week, what a run
// of that week alone on the 263 weeks before it gives (what analyze stored
// before the per-week bounds; the detector reads only those weeks): three
// seeded Poisson series (0.3, 1.5 and 6 cases a week, 360 weeks, an outbreak
// near the end), bounds and alarms identical.
func TestNoufailyWindowEqualsWeek(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	n := analysis.NewNoufaily()
	for _, lam := range []float64{0.3, 1.5, 6} {
		c := make([]float64, 360)
		for i := range c {
			c[i] = float64(distuv.Poisson{Lambda: lam, Src: rng}.Rand())
			if i > 330 && i < 336 {
				c[i] += 8
			}
		}
		end := len(c) - 1
		all, err := n.Detect(analysis.Series{Counts: c, Freq: 52}, end-boundWeeks+1)
		if err != nil || len(all) != boundWeeks {
			t.Fatalf("lambda %v: %d results, %v", lam, len(all), err)
		}
		for k, a := range all {
			need := n.MinHistory(52)
			one, err := n.Detect(analysis.Series{Counts: c[a.T-need : a.T+1], Freq: 52}, need)
			if err != nil {
				t.Fatal(err)
			}
			b := one[0]
			same := a.UpperBound == b.UpperBound || math.IsNaN(a.UpperBound) && math.IsNaN(b.UpperBound)
			if b.T != need || a.Alarm != b.Alarm || !same {
				t.Errorf("lambda %v week %d: window %+v, single %+v", lam, k, a, b)
			}
		}
	}
}

// pageValues reads chart data given as bare numbers or {"value": x}, nil
// for null and {}.
func pageValues(t *testing.T, data []json.RawMessage) []*float64 {
	t.Helper()
	out := make([]*float64, len(data))
	for i, raw := range data {
		var v *float64
		if err := json.Unmarshal(raw, &v); err != nil {
			var o struct{ Value *float64 }
			if err := json.Unmarshal(raw, &o); err != nil {
				t.Fatalf("chart data %d: %s", i, raw)
			}
			v = o.Value
		}
		out[i] = v
	}
	return out
}
