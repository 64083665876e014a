package analysis

import (
	"math"
	"testing"
)

// flagFixture is a one-column model whose calibrated probability is σ(x),
// and features giving each of four units the same probability every week:
// 0.3 (unit 0, positive), 0.11, 0.085 and 0.01 (units 1–3, negative).
func flagFixture(weeks int) (*RiskModel, *Features, [][]bool, [][]int8) {
	m := &RiskModel{Cols: []Feature{{Name: "x"}}, Mean: []float64{0}, Scale: []float64{1}, Coef: []float64{1}, PlattA: 1}
	probs := []float64{0.3, 0.11, 0.085, 0.01}
	f := &Features{Cols: []Feature{{Name: "x"}}}
	y := make([][]bool, len(probs))
	train := make([][]int8, len(probs))
	for u := range probs {
		y[u] = make([]bool, weeks)
		train[u] = make([]int8, weeks)
	}
	for t := 0; t < weeks; t++ {
		row := make([][]float64, len(probs))
		for u, p := range probs {
			row[u] = []float64{logit(p)}
		}
		f.X = append(f.X, row)
		y[0][t] = true
		train[0][t] = TrainPositive
	}
	return m, f, y, train
}

// The threshold is the lowest of flagGrid whose flags on the block hold at
// most MaxFalseAlarms false-alarm units a week, counted by hand here.
func TestChooseFlagThreshold(t *testing.T) {
	m, f, y, train := flagFixture(10)
	pr := m.predictor(f)
	cfg := DefaultRiskConfig()
	for _, c := range []struct {
		maxFA  float64
		budget int
		want   float64
	}{
		{2, 5, 0.05},   // units 1 and 2 flagged from 0.05: 2 a week
		{1, 5, 0.09},   // unit 2 (0.085) drops out at 0.09
		{0.5, 5, 0.12}, // unit 1 (0.11) drops out at 0.12
		{1, 2, 0.05},   // only the two most probable units can be flagged: unit 1 alone
		{0, 5, 0},      // not chosen
	} {
		cfg.MaxFalseAlarms, cfg.Budget = c.maxFA, c.budget
		if got := chooseFlagThreshold(pr, y, train, 0, 9, cfg); got != c.want {
			t.Errorf("max %v false alarms, budget %d: threshold %v, want %v", c.maxFA, c.budget, got, c.want)
		}
	}
	// A skipped training row (the weeks around an episode) is no false alarm.
	for tt := range train[2] {
		train[2][tt] = TrainSkip
	}
	cfg.MaxFalseAlarms, cfg.Budget = 1, 5
	if got := chooseFlagThreshold(pr, y, train, 0, 9, cfg); got != 0.05 {
		t.Errorf("with unit 2 skipped: threshold %v, want 0.05", got)
	}
	// No admissible threshold: only the "high" tier is flagged.
	for u := range y {
		for tt := range y[u] {
			y[u][tt], train[u][tt] = false, TrainNegative
		}
	}
	cfg.MaxFalseAlarms = 0.5
	if got := chooseFlagThreshold(pr, y, train, 0, 9, cfg); got != cfg.High {
		t.Errorf("no admissible threshold: %v, want the high tier %v", got, cfg.High)
	}
}

func TestTierConfig(t *testing.T) {
	cfg := DefaultRiskConfig()
	for _, c := range []struct{ th, want float64 }{{0, cfg.Elevated}, {0.02, cfg.Watch}, {0.08, 0.08}, {0.9, cfg.High}} {
		m := &RiskModel{FlagThreshold: c.th}
		if got := m.TierConfig(cfg).Elevated; got != c.want {
			t.Errorf("flag threshold %v: elevated %v, want %v", c.th, got, c.want)
		}
	}
	var none *RiskModel
	if got := none.TierConfig(cfg); got.Elevated != cfg.Elevated {
		t.Errorf("nil model changed the tiers: %v", got.Elevated)
	}
}

// nb_tail_marked_3 is the Poisson tail of the neighbours' marked cases of
// the last 3 weeks against their summed own rates: the count is checked
// against the raw signal and the tail against the closed form
// P(Y >= c) = Σ_{k>=c} e^{−μ} μ^k / k!.
func TestNeighbourMarkedTail(t *testing.T) {
	d, _ := synthRisk(5, 12, 90)
	f, err := BuildFeatures(d, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	j := -1
	for k, c := range f.Cols {
		if c.Name == "nb_tail_marked_3" {
			j = k
		}
	}
	if j < 0 {
		t.Fatal("no nb_tail_marked_3 column")
	}
	checked := 0
	for col := f.First; col < f.First+len(f.X); col++ {
		for u := range d.Panel.Units {
			var c float64
			for _, v := range d.Neighbours[u] {
				for s := col - 2; s <= col; s++ {
					c += d.Values[0][v][s] // violence is the only marked signal here
				}
			}
			raw, mu := f.Raw[col-f.First][u][j], f.Base[col-f.First][u][j]
			if raw != c {
				t.Fatalf("unit %d week %d: neighbours' marked cases %v, want %v", u, col, raw, c)
			}
			// The upper tail summed term by term (no cancellation).
			term := math.Exp(-mu)
			for k := 1; k <= int(c); k++ {
				term *= mu / float64(k)
			}
			var tail float64
			for k := int(c); k < int(c)+60; k++ {
				tail += term
				term *= mu / float64(k+1)
			}
			want := 0.0
			if c > 0 {
				want = math.Min(-math.Log10(tail), pCap)
			}
			if got := f.X[col-f.First][u][j]; math.Abs(got-want) > 1e-9*math.Max(1, want) {
				t.Fatalf("unit %d week %d: tail %v, want %v (c %v, mu %v)", u, col, got, want, c, mu)
			}
			if c > 0 {
				checked++
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d unit-weeks with neighbouring marked cases: the fixture tests too little", checked)
	}
}
