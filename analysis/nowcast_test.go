package analysis

import (
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/canhbao/canhbao/models"
)

// readNowcastCSV reads a reference CSV of testdata/nowcast into header-keyed rows.
func readNowcastCSV(t *testing.T, name string) []map[string]float64 {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "nowcast", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]float64
	for _, r := range recs[1:] {
		m := map[string]float64{}
		for i, h := range recs[0] {
			v, err := strconv.ParseFloat(r[i], 64)
			if err != nil {
				t.Fatalf("%s: %s=%q: %v", name, h, r[i], err)
			}
			m[h] = v
		}
		out = append(out, m)
	}
	return out
}

// Settings of testdata/nowcast/reference.R (see provenance.txt there).
const (
	refT, refD, refM = 40, 8, 20
	refKappa         = 0.1
	refMean          = 12.0
	refSize          = 8.000000113030282 // uniroot's root, printed by reference.R
)

var refStart = models.Week{Year: 2020, Num: 2}

func refTriangle(t *testing.T) *Triangle {
	t.Helper()
	tr, err := NewTriangle(refStart, refStart.Add(refT), refD)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range readNowcastCSV(t, "triangle.csv") {
		tr.Add(refStart.Add(int(r["t"])), int(r["delay"]), r["n"])
	}
	return tr
}

// TestDelayCDFMatchesSurveillance compares the delay CDF with R surveillance
// 1.20.3 nowcast(): "bayes.trunc" (generalised-Dirichlet posterior mean,
// kappa 0.1) and "lawless" (the plain reverse-time hazard estimate, which is
// ours with a vanishing prior). Both are exact computations: tolerance 1e-12
// and 1e-9 (the vanishing prior kappa = 1e-12 leaves ~1e-12 per hazard).
func TestDelayCDFMatchesSurveillance(t *testing.T) {
	tr := refTriangle(t)
	dd, err := EstimateDelay(tr, DelayConfig{MaxDelay: refD, Window: refM, Kappa: refKappa})
	if err != nil {
		t.Fatal(err)
	}
	lw, err := EstimateDelay(tr, DelayConfig{MaxDelay: refD, Window: refM, Kappa: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	F, Flw := dd.CDF(), lw.CDF()
	var worst, worstLw float64
	for _, r := range readNowcastCSV(t, "delay_cdf.csv") {
		d := int(r["delay"])
		worst = math.Max(worst, math.Abs(F[d]-r["bayes_trunc"]))
		worstLw = math.Max(worstLw, math.Abs(Flw[d]-r["lawless"]))
	}
	t.Logf("max |F - R|: bayes.trunc %.2g, lawless %.2g", worst, worstLw)
	if worst > 1e-12 {
		t.Errorf("bayes.trunc delay CDF differs from R by %g", worst)
	}
	if worstLw > 1e-9 {
		t.Errorf("lawless delay CDF differs from R by %g", worstLw)
	}
}

// TestPredictiveMatchesSurveillance compares the predictive PMF of the final
// count given y seen and a share p reported with surveillance:::dpost.bnb
// (normalised over 0..300, which loses nothing here). Exact: tolerance 1e-12
// relative.
func TestPredictiveMatchesSurveillance(t *testing.T) {
	var worst float64
	for _, r := range readNowcastCSV(t, "dpost.csv") {
		rr, q := unseenNB(r["y"], r["p"], NBPrior{Mean: refMean, Size: refSize})
		pmf := addNBPMF(nil, rr, q, 1, 1000)
		u := int(r["N"] - r["y"])
		got := pmf[u]
		rel := math.Abs(got-r["pmf"]) / r["pmf"]
		worst = math.Max(worst, rel)
		if rel > 1e-12 {
			t.Errorf("y=%v p=%v N=%v: pmf %.17g, R %.17g", r["y"], r["p"], r["N"], got, r["pmf"])
		}
	}
	t.Logf("max relative deviation from dpost.bnb: %.2g", worst)
}

// TestNowcastMatchesSurveillance compares the nowcast of the last D+1 time
// points with surveillance's "bayes.trunc" (same prior NegBin(12, size 8)).
// Both average the predictive PMF over 20,000 posterior draws of the delay
// distribution, from different random streams, so the means may differ by
// Monte Carlo error (tolerance 1% + 0.02 cases) and the discrete median and
// 90% limits by at most one case.
func TestNowcastMatchesSurveillance(t *testing.T) {
	if testing.Short() {
		t.Skip("20,000 draws")
	}
	tr := refTriangle(t)
	dd, err := EstimateDelay(tr, DelayConfig{MaxDelay: refD, Window: refM, Kappa: refKappa})
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, tr.Rows())
	for r := range y {
		y[r] = tr.Reported(r)
	}
	src := rand.NewPCG(7, 11)
	draws := make([][]float64, 20000)
	for s := range draws {
		draws[s] = make([]float64, refD+1)
		dd.SampleCDF(src, draws[s])
	}
	got := nowcastWeeks(y, refStart, tr.Now, refT-refD, draws, dd.CDF(), NBPrior{Mean: refMean, Size: refSize}, 0.9)
	ref := readNowcastCSV(t, "nowcast.csv")
	if len(got) != len(ref) {
		t.Fatalf("%d nowcast weeks, R has %d", len(got), len(ref))
	}
	var worstMean float64
	for i, r := range ref {
		g := got[i]
		if g.Week != refStart.Add(int(r["t"])) || g.Observed != r["observed"] {
			t.Fatalf("row %d: week %s observed %v, R t=%v observed %v", i, g.Week, g.Observed, r["t"], r["observed"])
		}
		dm := math.Abs(g.Mean - r["mean"])
		worstMean = math.Max(worstMean, dm/r["mean"])
		if dm > 0.01*r["mean"]+0.02 {
			t.Errorf("t=%v: mean %.4f, R %.4f", r["t"], g.Mean, r["mean"])
		}
		for _, k := range []struct {
			name string
			v    float64
		}{{"median", g.Median}, {"lower", g.Lower}, {"upper", g.Upper}} {
			if math.Abs(k.v-r[k.name]) > 1 {
				t.Errorf("t=%v: %s %v, R %v", r["t"], k.name, k.v, r[k.name])
			}
		}
		t.Logf("t=%v seen %v: mean %.3f (R %.3f) median %v (R %v) 90%% [%v, %v] (R [%v, %v])", r["t"], g.Observed,
			g.Mean, r["mean"], g.Median, r["median"], g.Lower, g.Upper, r["lower"], r["upper"])
	}
	t.Logf("max relative deviation of the mean from R: %.4f", worstMean)
}

// TestTriangleTruncation checks that cells not yet observable are left out,
// long delays folded, and the reverse-time hazards computed by hand.
func TestTriangleTruncation(t *testing.T) {
	start := models.Week{Year: 2026, Num: 1}
	now := start.Add(3)
	tr, err := NewTriangle(start, now, 2)
	if err != nil {
		t.Fatal(err)
	}
	add := func(r, d int, n float64, want bool) {
		if got := tr.Add(start.Add(r), d, n); got != want {
			t.Errorf("Add(row %d, delay %d) = %v, want %v", r, d, got, want)
		}
	}
	add(0, 0, 4, true)
	add(0, 1, 2, true)
	add(0, 3, 1, true)  // folded into delay 2
	add(0, 5, 1, false) // not yet arrived: week 0 + 5 > now
	add(1, 0, 3, true)
	add(1, 2, 1, true)
	add(2, 0, 5, true)
	add(2, 1, 1, true)
	add(2, 2, 9, false) // week 2 + 2 > now
	add(3, -1, 2, true) // negative delay counts as 0
	add(4, 0, 1, false) // after now
	add(0, 0, math.NaN(), false)
	add(0, 0, -1, false)
	if tr.N[0][2] != 1 || tr.N[3][0] != 2 {
		t.Fatalf("cells %v", tr.N)
	}
	dd, err := EstimateDelay(tr, DelayConfig{MaxDelay: 2, Window: 10, Kappa: 1e-9})
	if err != nil {
		t.Fatal(err)
	}
	// g(1) = (2+0+1)/((4+2)+(3+0)+(5+1)) = 3/15; g(2) = (1+1)/(7+4) = 2/11.
	g := dd.Hazard()
	if math.Abs(g[1]-3.0/15) > 1e-9 || math.Abs(g[2]-2.0/11) > 1e-9 {
		t.Errorf("hazards %v, want 0.2 and %v", g, 2.0/11)
	}
	F := dd.CDF()
	if want := (1 - 3.0/15) * (1 - 2.0/11); math.Abs(F[0]-want) > 1e-9 || F[2] != 1 {
		t.Errorf("CDF %v, F(0) want %v", F, want)
	}
	// The naive share of delay 0 among the cases seen (14/21) overstates F(0).
	if F[0] >= 14.0/21 {
		t.Errorf("F(0) %v not below the naive %v", F[0], 14.0/21)
	}
}

// TestShrinkDelay: groups that differ by chance are pulled to the pooled
// hazards; groups that differ in earnest with many cases keep their own.
func TestShrinkDelay(t *testing.T) {
	mk := func(num, risk float64) *DelayDist {
		return &DelayDist{MaxDelay: 1, NumD: []float64{0, num}, RiskD: []float64{0, risk},
			Alpha: []float64{1, 0.1 + num}, Beta: []float64{0, 0.1 + risk - num}}
	}
	// Same hazard 0.3 in both groups.
	pooled := mk(60, 200)
	same, err := ShrinkDelay(pooled, map[string]*DelayDist{"a": mk(30, 100), "b": mk(30, 100)})
	if err != nil {
		t.Fatal(err)
	}
	if g := same["a"].Hazard()[1]; math.Abs(g-0.3) > 1e-3 {
		t.Errorf("equal groups: hazard %v, want 0.3", g)
	}
	// 0.1 vs 0.5 on 1000 cases each: far beyond binomial noise.
	pooled = mk(600, 2000)
	diff, err := ShrinkDelay(pooled, map[string]*DelayDist{"a": mk(100, 1000), "b": mk(500, 1000)})
	if err != nil {
		t.Fatal(err)
	}
	ga, gb := diff["a"].Hazard()[1], diff["b"].Hazard()[1]
	if math.Abs(ga-0.1) > 0.01 || math.Abs(gb-0.5) > 0.01 {
		t.Errorf("distinct groups: hazards %v %v, want ~0.1 and ~0.5", ga, gb)
	}
	// A small group (0 of 3) next to them is pulled toward the pooled 0.3,
	// little when the groups differ a lot (prior worth ~1.6 cases), much
	// when they differ little (0.28 vs 0.32).
	diff, err = ShrinkDelay(pooled, map[string]*DelayDist{"a": mk(100, 1000), "b": mk(500, 1000), "c": mk(0, 3)})
	if err != nil {
		t.Fatal(err)
	}
	if gc := diff["c"].Hazard()[1]; gc < 0.08 || gc > 0.15 {
		t.Errorf("small group among distinct ones: hazard %v, want ~0.106", gc)
	}
	diff, err = ShrinkDelay(mk(600, 2003), map[string]*DelayDist{"a": mk(280, 1000), "b": mk(320, 1000), "c": mk(0, 3)})
	if err != nil {
		t.Fatal(err)
	}
	if gc := diff["c"].Hazard()[1]; gc < 0.25 {
		t.Errorf("small group among similar ones: hazard %v, want near 0.3", gc)
	}
	if _, err := ShrinkDelay(nil, nil); err == nil {
		t.Error("nil pooled: no error")
	}
}

// TestNowcastZeroReports: a unit with cases in its history and none seen
// yet in the last week is not nowcast as zero; a week fully reported is not
// changed; a unit with no case ever stays at zero.
func TestNowcastZeroReports(t *testing.T) {
	sc := simulateDelays(5, 12, 80, 4)
	now := sc.start.Add(79)
	nc, err := sc.nowcastAt(now, DelayConfig{MaxDelay: 16, Window: 52, Kappa: 0.1}, DefaultNowcastConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, sn := range nc.Units {
		w := sn.Weeks[len(sn.Weeks)-1]
		if w.Observed == 0 && sn.Prior.Mean > 0.5 && w.Mean <= 0.1 {
			t.Errorf("unit %s: nothing seen, prior mean %v, nowcast %v", sn.Unit, sn.Prior.Mean, w.Mean)
		}
		for _, w := range sn.Weeks {
			if w.Mean < w.Observed || w.Lower < w.Observed || w.Upper < w.Median || w.Median < w.Lower {
				t.Errorf("unit %s week %s: inconsistent %+v", sn.Unit, w.Week, w)
			}
		}
	}
	// All-zero history and nothing seen.
	pooled, _ := EstimateDelay(mustTriangle(t, sc.start, now), DelayConfig{MaxDelay: 16, Window: 52, Kappa: 0.1})
	zero := [][]float64{make([]float64, 80)}
	nz, err := NowcastPanel(NowcastInput{Units: []string{"x"}, Start: sc.start, Counts: zero, Now: now, Pooled: pooled},
		DefaultNowcastConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range nz.Units[0].Weeks {
		if w.Mean != 0 || w.Upper != 0 {
			t.Errorf("empty unit: %+v", w)
		}
	}
}

func mustTriangle(t *testing.T, start, now models.Week) *Triangle {
	t.Helper()
	tr, err := NewTriangle(start, now, 16)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestNowcastBadInput: errors, not panics.
func TestNowcastBadInput(t *testing.T) {
	start := models.Week{Year: 2026, Num: 1}
	tr := mustTriangle(t, start, start.Add(20))
	dd, err := EstimateDelay(tr, DelayConfig{MaxDelay: 16, Window: 52, Kappa: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultNowcastConfig()
	cases := map[string]NowcastInput{
		"no delay":    {Units: []string{"a"}, Start: start, Counts: [][]float64{{1}}, Now: start},
		"no units":    {Start: start, Now: start, Pooled: dd},
		"ragged":      {Units: []string{"a", "b"}, Start: start, Counts: [][]float64{{1, 2}, {1}}, Now: start.Add(1), Pooled: dd},
		"rows":        {Units: []string{"a", "b"}, Start: start, Counts: [][]float64{{1}}, Now: start, Pooled: dd},
		"negative":    {Units: []string{"a"}, Start: start, Counts: [][]float64{{-1}}, Now: start, Pooled: dd},
		"nan":         {Units: []string{"a"}, Start: start, Counts: [][]float64{{math.NaN()}}, Now: start, Pooled: dd},
		"empty weeks": {Units: []string{"a"}, Start: start, Counts: [][]float64{{}}, Now: start, Pooled: dd},
	}
	for name, in := range cases {
		if _, err := NowcastPanel(in, cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	bad := cfg
	bad.Level = 1
	if _, err := NowcastPanel(NowcastInput{Units: []string{"a"}, Start: start, Counts: [][]float64{{1}}, Now: start, Pooled: dd}, bad); err == nil {
		t.Error("level 1: no error")
	}
	if _, err := NewTriangle(start.Add(1), start, 3); err == nil {
		t.Error("now before start: no error")
	}
	if _, err := EstimateDelay(tr, DelayConfig{MaxDelay: 4, Window: 52, Kappa: 0.1}); err == nil {
		t.Error("max delay mismatch: no error")
	}
}

// TestApplyNowcast: the nowcast weeks are replaced and flagged, the serious
// share kept, the input untouched.
func TestApplyNowcast(t *testing.T) {
	start := models.Week{Year: 2026, Num: 10}
	p := &Panel{Units: []string{"a", "b"}, Start: start,
		Counts:  [][]float64{{5, 4, 2}, {1, 0, 0}},
		Serious: [][]float64{{1, 2, 1}, {0, 0, 0}}}
	nc := &Nowcast{Units: []SeriesNowcast{
		{Unit: "a", Weeks: []NowcastWeek{{Week: start.Add(1), Mean: 6}, {Week: start.Add(2), Mean: 5}}},
		{Unit: "b", Weeks: []NowcastWeek{{Week: start.Add(2), Mean: 0.7}}},
		{Unit: "zz", Weeks: []NowcastWeek{{Week: start.Add(2), Mean: 3}}},
	}}
	q, flags, err := ApplyNowcast(p, nc)
	if err != nil {
		t.Fatal(err)
	}
	if got := q.Counts[0]; got[0] != 5 || got[1] != 6 || got[2] != 5 {
		t.Errorf("counts a %v", got)
	}
	if got := q.Serious[0]; got[1] != 3 || got[2] != 2.5 {
		t.Errorf("serious a %v, want the share kept", got)
	}
	if q.Counts[1][2] != 0.7 || q.Serious[1][2] != 0 {
		t.Errorf("b %v %v", q.Counts[1], q.Serious[1])
	}
	if flags[0][0] || !flags[0][1] || !flags[0][2] || flags[1][1] || !flags[1][2] {
		t.Errorf("flags %v", flags)
	}
	if p.Counts[0][1] != 4 || p.Serious[0][1] != 2 {
		t.Error("input modified")
	}
	if err := q.Validate(); err != nil {
		t.Error(err)
	}
	m, f := ApplyNowcastMap(map[string][]float64{"a": {5, 4, 2}}, start, nc)
	if m["a"][2] != 5 || !f["a"][2] || f["a"][0] {
		t.Errorf("map: %v %v", m, f)
	}
}

// TestNowcastRandomInputNoPanic feeds random triangles (odd cells included)
// and random counts through the whole chain: results or errors, never a
// panic, and every interval ordered.
func TestNowcastRandomInputNoPanic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	odd := []float64{0, 1, 2, 1e6, -1, math.NaN(), math.Inf(1), 0.5}
	start := models.Week{Year: 2025, Num: 30}
	for it := 0; it < 200; it++ {
		rows := 1 + rng.IntN(30)
		now := start.Add(rows - 1)
		D := 1 + rng.IntN(8)
		var cells []DelayCell
		for i := rng.IntN(60); i > 0; i-- {
			n := float64(rng.IntN(5))
			if rng.IntN(10) == 0 {
				n = odd[rng.IntN(len(odd))]
			}
			cells = append(cells, DelayCell{Unit: []string{"a", "b", "c"}[rng.IntN(3)],
				Received: start.Add(rng.IntN(rows+3) - 2), Delay: rng.IntN(D+4) - 1, N: n})
		}
		set, err := BuildTriangles(cells, start, now, D, map[string]string{"a": "g1", "b": "g2"})
		if err != nil {
			t.Fatal(err)
		}
		cfg := DelayConfig{MaxDelay: D, Window: 1 + rng.IntN(40), Kappa: 0.1}
		pooled, err := EstimateDelay(set.Pooled, cfg)
		if err != nil {
			t.Fatal(err)
		}
		groups := map[string]*DelayDist{}
		for _, g := range set.GroupNames() {
			groups[g], _ = EstimateDelay(set.Groups[g], cfg)
		}
		shrunk, err := ShrinkDelay(pooled, groups)
		if err != nil {
			t.Fatal(err)
		}
		counts := make([][]float64, 3)
		for u := range counts {
			counts[u] = make([]float64, rows)
			for c := range counts[u] {
				counts[u][c] = float64(rng.IntN(4))
			}
		}
		ncfg := DefaultNowcastConfig()
		ncfg.Samples = 20
		ncfg.Weeks = 1 + rng.IntN(8)
		nc, err := NowcastPanel(NowcastInput{Units: []string{"a", "b", "c"}, Start: start, Counts: counts,
			Now: now.Add(rng.IntN(3) - 1), Pooled: pooled, Groups: shrunk,
			GroupOf: map[string]string{"a": "g1", "b": "g2"}}, ncfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, sn := range append(nc.Units, SeriesNowcast{Weeks: nc.City}) {
			for _, w := range sn.Weeks {
				if !(w.Lower <= w.Median && w.Median <= w.Upper && w.Observed <= w.Mean) || math.IsNaN(w.Mean) {
					t.Fatalf("iteration %d unit %q: %+v", it, sn.Unit, w)
				}
			}
		}
	}
}
