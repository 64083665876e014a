package analysis

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// sparsePanel simulates n units x 520 weeks of very sparse seasonal Poisson
// counts (0.02-0.32 cases a week, as most Hanoi units), seeded: many
// Noufaily baseline blocks have no case at all.
func sparsePanel(n int) []Series {
	rng := rand.New(rand.NewPCG(7, 9))
	out := make([]Series, n)
	for u := range out {
		base := 0.02 + 0.3*rng.Float64()
		c := make([]float64, 520)
		for t := range c {
			mu := base * math.Exp(0.5*math.Sin(2*math.Pi*float64(t)/52))
			c[t] = float64(distuv.Poisson{Lambda: mu, Src: rng}.Rand())
		}
		out[u] = Series{Counts: c, Freq: 52}
	}
	return out
}

// BenchmarkNoufailySparse100AllWeeks: 100 sparse units, every week with a
// full b=5 baseline (25,700 unit-weeks), where the zero-level fast-forward
// of qpGLM.fit applies.
func BenchmarkNoufailySparse100AllWeeks(b *testing.B) {
	series := sparsePanel(100)
	f := NewNoufaily()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := DetectAll(f, series, f.MinHistory(52), 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNoufailyNational400AllWeeks is BenchmarkNoufailyNationalAllWeeks
// on the first 400 units (a quick before/after measure of the IRLS work).
func BenchmarkNoufailyNational400AllWeeks(b *testing.B) {
	series := nationalPanel()[:400]
	f := NewNoufaily()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := DetectAll(f, series, f.MinHistory(52), 0); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFarringtonZeroLevelShortcut runs the national panel (300 units, every
// week with a full b=5 baseline), 150 sparse units and 200 series of the
// synthetic panel with and without
// the zero-level fast-forward of qpGLM.fit and requires identical alarms and
// upper bounds, expected and p-values within relative 1e-9.
func TestFarringtonZeroLevelShortcut(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	series := append(nationalPanel()[:300], sparsePanel(150)...)
	syn, _, _ := syntheticPanel(t)
	series = append(series, syn[:200]...)
	for _, f := range []*Farrington{NewNoufaily(), NewFarrington1996()} {
		from := f.MinHistory(52)
		zeroLevelShortcut = false
		exact, err := DetectAll(f, series, from, 0)
		zeroLevelShortcut = true
		if err != nil {
			t.Fatal(err)
		}
		fast, err := DetectAll(f, series, from, 0)
		if err != nil {
			t.Fatal(err)
		}
		n, worst := 0, 0.0
		for i := range exact {
			for j, e := range exact[i] {
				g := fast[i][j]
				n++
				if e.Alarm != g.Alarm {
					t.Errorf("%s series %d t=%d: alarm %v, exact loop %v", f.Name(), i, e.T, g.Alarm, e.Alarm)
				}
				for _, c := range [][2]float64{{g.UpperBound, e.UpperBound}, {g.Expected, e.Expected}, {g.PValue, e.PValue}, {g.Phi, e.Phi}} {
					if r := relErr(c[0], c[1]); r > worst {
						worst = r
					}
				}
			}
		}
		if worst > 1e-9 {
			t.Errorf("%s: worst relative difference %.2g", f.Name(), worst)
		}
		t.Logf("%s: %d unit-weeks, alarms identical, worst relative difference %.2g", f.Name(), n, worst)
	}
}
