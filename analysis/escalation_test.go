package analysis

import (
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/canhbao/canhbao/models"
)

var simStart = models.Week{Year: 2021, Num: 1}

// plantedRun simulates reps panels of 126 units x 200 weeks with a x3 rise
// over 6 weeks ending at the last week in three units, and returns how many
// planted units were flagged, the mean percentile of their scores among all
// units, and the flags of the other units.
func plantedRun(t *testing.T, reps int, volume, size float64) (detected, planted int, percentile float64, otherFlags int) {
	const U, T = 126, 200
	units := []int{3, 40, 77}
	rise := ramp(units, T-1, 6, 3)
	for seed := uint64(1); seed <= uint64(reps); seed++ {
		p := simulate(simSpec{units: U, weeks: T, start: simStart, size: size,
			mult: func(u, t int) float64 { return volume * rise(u, t) }}, seed)
		ind, err := Escalation(p, p.End(), DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		scores := make([]float64, U)
		for u, in := range ind {
			scores[u] = in.Score
		}
		sort.Float64s(scores)
		for u, in := range ind {
			if rise(u, T-1) == 1 {
				if in.Flagged {
					otherFlags++
				}
				continue
			}
			planted++
			if in.Flagged {
				detected++
			}
			percentile += float64(sort.SearchFloat64s(scores, in.Score)) / float64(U-1)
		}
	}
	return detected, planted, percentile / float64(planted), otherFlags
}

// nullRun counts flags (all tiers that flag) and FDR-controlled "high" flags
// on panels without a planted rise over asOf weeks 170..199 (history 156
// weeks available for each).
func nullRun(t *testing.T, seeds []uint64, volume, size float64) (flags, high, weeks int) {
	const U, T = 126, 200
	for _, seed := range seeds {
		p := simulate(simSpec{units: U, weeks: T, start: simStart, size: size,
			mult: func(u, t int) float64 { return volume }}, seed)
		for end := 170; end < T; end++ {
			ind, err := Escalation(p, p.Start.Add(end), DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			weeks++
			for _, in := range ind {
				if in.Flagged {
					flags++
				}
				if in.Tier == models.TierHigh {
					high++
				}
			}
		}
	}
	return flags, high, weeks
}

// At Hanoi's volumes (30–60 cases a unit a year, 0–2 a week) a x3 rise over
// six weeks leaves about 5–8 cases in the 4-week window against 2–3 expected:
// nominal p-values of 0.001–0.05, which do not survive an FDR of 5% over 126
// units. The method is calibrated, so this is a limit of the data, not of the
// test; what must hold is that the planted units rank near the top.
func TestEscalationPlantedRiseSparse(t *testing.T) {
	detected, planted, pct, other := plantedRun(t, 20, 1, 4)
	t.Logf("sparse (0.6-1.2 cases/week): flagged %d/%d planted, mean score percentile %.3f, %d other flags in 20 weeks",
		detected, planted, pct, other)
	if pct < 0.8 {
		t.Errorf("planted units' mean score percentile %.3f, want >= 0.8", pct)
	}
	// The elevated tier allows about ElevatedP x 126 = 1.26 false flags a week.
	if other > 25 {
		t.Errorf("%d flags on unplanted units in 20 runs, want <= 25", other)
	}
}

// At 25 times the volume (about 25 events a unit a week, the scale of police
// calls for service) the same rise must be flagged.
func TestEscalationPlantedRiseVolume(t *testing.T) {
	detected, planted, pct, other := plantedRun(t, 20, 25, 10)
	t.Logf("volume x25 (15-30 events/week): flagged %d/%d planted, mean score percentile %.3f, %d other flags in 20 weeks",
		detected, planted, pct, other)
	if float64(detected) < 0.85*float64(planted) {
		t.Errorf("flagged %d of %d planted units, want >= 85%%", detected, planted)
	}
	// The elevated tier allows about ElevatedP x 126 = 1.26 false flags a week.
	if other > 25 {
		t.Errorf("%d flags on unplanted units in 20 runs, want <= 25", other)
	}
}

func TestEscalationNull(t *testing.T) {
	for _, c := range []struct {
		name         string
		volume, size float64
	}{
		{"sparse", 1, 4},
		{"volume x25", 25, 10},
	} {
		flags, high, weeks := nullRun(t, []uint64{101, 102, 103, 104}, c.volume, c.size)
		rate, hrate := float64(flags)/float64(weeks), float64(high)/float64(weeks)
		t.Logf("%s null: %d flags (%d high) in %d runs (126 units each) = %.3f false flags per week (%.3f high)",
			c.name, flags, high, weeks, rate, hrate)
		// The FDR-controlled tier: a false flag in at most a quarter of the weeks.
		if hrate > 0.25 {
			t.Errorf("%s: %.3f false high-tier flags per week, want <= 0.25", c.name, hrate)
		}
		// All flags: the elevated tier's per-unit level bounds the mean at
		// ElevatedP x 126 = 1.26 a week (discrete counts give fewer).
		if bound := DefaultConfig().ElevatedP * 126; rate > bound {
			t.Errorf("%s: %.3f false flags per week, want <= %.2f", c.name, rate, bound)
		}
	}
}

// Under the null the excess p-value must not reject more often than its
// level (it may reject less: counts are discrete).
func TestExcessCalibration(t *testing.T) {
	const U, T = 126, 200
	var n, r05, r01 float64
	for seed := uint64(200); seed < 206; seed++ {
		p := simulate(simSpec{units: U, weeks: T, start: simStart, size: 4}, seed)
		for end := 160; end < T; end += 4 {
			ind, err := Escalation(p, p.Start.Add(end), DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range ind {
				n++
				if in.PValue < 0.05 {
					r05++
				}
				if in.PValue < 0.01 {
					r01++
				}
			}
		}
	}
	t.Logf("null excess p-values: P(p<0.05) = %.4f, P(p<0.01) = %.4f over %v unit-weeks", r05/n, r01/n, n)
	// Binomial standard errors at n = 7560: 0.0025 and 0.0011.
	if r05/n > 0.05+3*0.0025 || r01/n > 0.01+3*0.0011 {
		t.Errorf("anti-conservative: P(p<0.05) = %.4f, P(p<0.01) = %.4f", r05/n, r01/n)
	}
}

func TestEscalationFields(t *testing.T) {
	const U, T = 20, 120
	p := simulate(simSpec{units: U, weeks: T, start: simStart, size: 4}, 7)
	// A unit that only started reporting in the window, with fractional
	// (apportioned) counts, and a unit with no population.
	for tt := range p.Counts[0] {
		p.Counts[0][tt], p.Serious[0][tt] = 0, 0
	}
	p.Counts[0][T-1], p.Serious[0][T-1] = 2.5, 1.5
	p.Population[1] = 0
	// A unit with a strong recent rise of serious cases.
	for tt := T - 4; tt < T; tt++ {
		p.Counts[2][tt], p.Serious[2][tt] = 6, 6
	}
	asOf := p.End()
	ind, err := Escalation(p, asOf, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if len(ind) != U {
		t.Fatalf("%d indicators, want %d", len(ind), U)
	}
	for u, in := range ind {
		if in.UnitCode != p.Units[u] || in.Week != asOf || in.RunID != "" {
			t.Errorf("unit %d: code %q week %v run %q", u, in.UnitCode, in.Week, in.RunID)
		}
		for name, v := range map[string]float64{"expected": in.Expected, "ratio": in.Ratio, "p": in.PValue,
			"q": in.QValue, "score": in.Score, "base": in.SeriousBase} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Errorf("unit %s: %s = %v", in.UnitCode, name, v)
			}
		}
		if in.Expected <= 0 || in.PValue > 1 || in.QValue > 1 {
			t.Errorf("unit %s: expected %v p %v q %v", in.UnitCode, in.Expected, in.PValue, in.QValue)
		}
	}
	new := ind[0]
	if new.Observed != 2.5 || new.Serious != 1.5 || new.SeriousShare != 0.6 {
		t.Errorf("new unit: observed %v serious %v share %v", new.Observed, new.Serious, new.SeriousShare)
	}
	// Shrinkage: a history of zeros is evidence of a low rate, so the unit's
	// expectation is pulled well below the others but stays positive, and its
	// 2.5 cases are not an infinite surprise.
	var mean float64
	for _, in := range ind[1:] {
		mean += in.Expected / float64(U-1)
	}
	if !(new.Expected > 0 && new.Expected < mean/2) || !(new.Score < 10) {
		t.Errorf("new unit: expected %v (others %v), score %v", new.Expected, mean, new.Score)
	}
	hot := ind[2]
	if !hot.Flagged || len(hot.Reasons) < 2 || !strings.Contains(strings.Join(hot.Reasons, ","), "serious") {
		t.Errorf("hot unit: flagged %v reasons %v (obs %v exp %v q %v)", hot.Flagged, hot.Reasons, hot.Observed, hot.Expected, hot.QValue)
	}
}

func TestEscalationErrors(t *testing.T) {
	p := simulate(simSpec{units: 5, weeks: 60, start: simStart, size: 4}, 3)
	cfg := DefaultConfig()
	for name, asOf := range map[string]models.Week{
		"before panel": simStart.Add(-1),
		"after panel":  p.End().Add(1),
		"short":        simStart.Add(20),
	} {
		if _, err := Escalation(p, asOf, cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	bad := cfg
	bad.Alpha = 0
	if _, err := Escalation(p, p.End(), bad); err == nil {
		t.Error("alpha 0: no error")
	}
	zero := simulate(simSpec{units: 5, weeks: 60, start: simStart, size: 4,
		mult: func(u, t int) float64 { return 0 }}, 3)
	if _, err := Escalation(zero, zero.End(), cfg); err == nil {
		t.Error("no cases: no error")
	}
	p.Serious[1][3] = p.Counts[1][3] + 1
	if _, err := Escalation(p, p.End(), cfg); err == nil {
		t.Error("serious > cases: no error")
	}
}

func benchmarkEscalation(b *testing.B, units, weeks int) {
	p := simulate(simSpec{units: units, weeks: weeks, start: simStart, size: 4}, 42)
	cfg := DefaultConfig()
	asOf := p.End()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Escalation(p, asOf, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEscalation126x200(b *testing.B)  { benchmarkEscalation(b, 126, 200) }
func BenchmarkEscalation3321x520(b *testing.B) { benchmarkEscalation(b, 3321, 520) }
