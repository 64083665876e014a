package analysis

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestNoufailyBaselineYearsAvailable checks the backtest's Noufaily baseline
// on a 4-year weekly series with a planted surge: each week must be exactly
// what NewNoufaily with b = the whole years before it (w = 3) gives when run
// on the series up to that week, the surge must alarm, weeks without a
// year of history must stay silent, and the note must say that fewer than 5
// years were used.
func TestNoufailyBaselineYearsAvailable(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	T := 4*52 + 10
	c := make([]float64, T)
	for i := range c {
		mu := 6 * (1 + 0.3*math.Sin(2*math.Pi*float64(i)/52))
		c[i] = float64(poissonDraw(r, mu))
	}
	surge := T - 5
	c[surge] += 30
	counts := [][]float64{c}
	nb, err := runNoufaily(counts, 0, T-1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(nb.note, "b = 1..4") {
		t.Errorf("note %q, want b = 1..4", nb.note)
	}
	for _, k := range []int{54, 55, 107, 108, 160, 200, T - 1} {
		b := min(5, (k-3)/52)
		if b < 1 {
			if nb.score[0][k] != 0 || nb.alarm[0][k] {
				t.Errorf("week %d has no year of history but score %v alarm %v", k, nb.score[0][k], nb.alarm[0][k])
			}
			continue
		}
		f := NewNoufaily()
		f.B = b
		res, err := f.Detect(Series{Counts: c[:k+1], Freq: 52}, k)
		if err != nil {
			t.Fatalf("week %d: %v", k, err)
		}
		want := math.Min(-math.Log10(res[0].PValue), pCap)
		if res[0].Alarm {
			want += pCap
		}
		if math.Abs(nb.score[0][k]-want) > 1e-12 || nb.alarm[0][k] != res[0].Alarm {
			t.Errorf("week %d (b=%d): score %v alarm %v, direct Noufaily %v %v", k, b, nb.score[0][k], nb.alarm[0][k], want, res[0].Alarm)
		}
	}
	if !nb.alarm[0][surge] {
		t.Errorf("no alarm on the week with 30 extra cases (count %v)", c[surge])
	}
	var alarms int
	for k := 0; k < 55; k++ {
		if nb.alarm[0][k] {
			alarms++
		}
	}
	if alarms != 0 {
		t.Errorf("%d alarms before a year of history", alarms)
	}
}
