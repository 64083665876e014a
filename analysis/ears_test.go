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
	long := append([]float64{3, 3, 3, 3}, c...)
	r3, err := NewEARS("C3").Detect(Series{Counts: long}, 13)
	if err != nil {
		t.Fatal(err)
	}
	var want float64
	for i := 0; i < 3; i++ {
		z, _, _ := NewEARS("C2").stat(long, 13-i)
		want += math.Max(0, z-1)
	}
	if math.Abs(r3[0].Score-want) > 1e-12 {
		t.Errorf("C3 = %v, want %v", r3[0].Score, want)
	}
	if _, err := NewEARS("C4").Detect(Series{Counts: c}, 9); err == nil {
		t.Error("unknown method: no error")
	}
}
