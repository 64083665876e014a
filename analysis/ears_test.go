package analysis

import (
	"math"
	"testing"
)

// TestEARS checks C1, C2 and C3 against values computed by hand: baseline
// 2,4,2,4,2,4,2 has mean 20/7 and sd sqrt(24/7 / 6 * 7 / 7) = 1.069045.
func TestEARS(t *testing.T) {
	c := []float64{2, 4, 2, 4, 2, 4, 2, 9, 3, 10}
	const mean, sd = 20.0 / 7, 1.0690449676496976 // sd(c(2,4,2,4,2,4,2)) in R
	r, err := NewEARS("C1").Detect(Series{Counts: c}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r[0].Score, (9-mean)/sd; math.Abs(got-want) > 1e-12 || !r[0].Alarm {
		t.Errorf("C1 = %v alarm %v, want %v true", got, r[0].Alarm, want)
	}
	if got, want := r[0].UpperBound, mean+3.090232306167813*sd; math.Abs(got-want) > 1e-9 {
		t.Errorf("C1 bound %v, want %v", got, want)
	}
	// C2 at t=9 uses periods 0..6 (lag 2).
	r2, err := NewEARS("C2").Detect(Series{Counts: c}, 9)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r2[0].Score, (10-mean)/sd; math.Abs(got-want) > 1e-12 {
		t.Errorf("C2 = %v, want %v", got, want)
	}
	// C3 needs 11 periods of history.
	if _, err := NewEARS("C3").Detect(Series{Counts: c}, 9); err == nil {
		t.Error("C3 with short history: no error")
	}
	// C3 at t=13 of long: P = max(0, C2_11 - 1) + max(0, C2_12 - 1), the
	// bound y + sigma (z - P) with sigma the sd of C2's baseline of t=13.
	long := append([]float64{3, 3, 3, 3}, c...)
	r3, err := NewEARS("C3").Detect(Series{Counts: long}, 13)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEARS("C2")
	var p float64
	for k := 11; k <= 12; k++ {
		m, s := e.baseline(long, k)
		p += math.Max(0, (long[k]-m)/s-1)
	}
	_, s13 := e.baseline(long, 13)
	if math.Abs(r3[0].Score-p) > 1e-12 {
		t.Errorf("C3 P = %v, want %v", r3[0].Score, p)
	}
	if want := math.Max(0, long[13]+s13*(3.090232306167813-p)); math.Abs(r3[0].UpperBound-want) > 1e-9 {
		t.Errorf("C3 bound %v, want %v", r3[0].UpperBound, want)
	}
	for _, bad := range []*EARS{{Method: "C4", Baseline: 7, Alpha: 0.001}, {Method: "C1", Baseline: 2, Alpha: 0.001},
		{Method: "C1", Baseline: 7, Alpha: 1}, {Method: "C1", Baseline: 7, Alpha: 0.001, MinSigma: -1},
		{Method: "C1", Baseline: 7, Alpha: 0.001, MinSigma: math.NaN()}} {
		if _, err := bad.Detect(Series{Counts: long}, 13); err == nil {
			t.Errorf("%+v: no error", *bad)
		}
	}
}

// TestEARSNoAlarmWithoutCase is the case analyze used to suppress: one case
// after seven empty weeks made the C2 statistic infinite, and C3 alarmed on
// the empty weeks that followed. No method alarms on a week without a case,
// and no statistic is read as an alarm when it is NaN.
func TestEARSNoAlarmWithoutCase(t *testing.T) {
	series := [][]float64{
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0},
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 3, 3, 0, 0, 9, 0, 0},
	}
	for _, m := range []string{"C1", "C2", "C3"} {
		for _, ms := range []float64{0, 0.5} {
			e := NewEARS(m)
			e.MinSigma = ms
			for i, c := range series {
				r, err := e.Detect(Series{Counts: c}, e.MinHistory())
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range r {
					if x.Alarm && x.Observed == 0 {
						t.Errorf("%s minSigma %v series %d t=%d: alarm on a week without a case (bound %v)", m, ms, i, x.T, x.UpperBound)
					}
					if x.Alarm && math.IsNaN(x.UpperBound) {
						t.Errorf("%s series %d t=%d: alarm with a NaN bound", m, i, x.T)
					}
					if ms > 0 && (math.IsNaN(x.UpperBound) || math.IsInf(x.UpperBound, 0)) {
						t.Errorf("%s minSigma %v series %d t=%d: bound %v, want finite", m, ms, i, x.T, x.UpperBound)
					}
				}
			}
		}
	}
}
