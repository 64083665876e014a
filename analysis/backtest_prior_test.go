package analysis

import "testing"

// The rules fixed in advance are chosen from the block's weeks only, and are
// the lowest threshold / largest budget within each false-alarm limit.
func TestPriorRulesChoose(t *testing.T) {
	// 4 units, block = panel columns 10..13; units 0 and 1 are relevant
	// (episode weeks), units 2 and 3 are not. Probabilities per unit:
	// 0.4, 0.3, 0.07 and 0.045; ranks follow the units.
	probs := []float64{0.4, 0.3, 0.07, 0.045}
	rel := make([][]bool, 4)
	for u := range rel {
		rel[u] = make([]bool, 20)
		for c := range rel[u] {
			rel[u][c] = u < 2
		}
	}
	cfg := DefaultBacktestConfig()
	cfg.Thresholds = []float64{0.1, 0.03, 0.05, 0.08} // unsorted on purpose
	cfg.Budgets = []int{1, 2, 3, 4}
	pr := newPriorRules(1, 6)
	var asked []int
	pr.choose(0, 2, 4, 10, 13, 4, func(t, u int) float64 {
		asked = append(asked, t)
		return probs[u]
	}, rel, cfg)
	for _, c := range asked {
		if c < 10 || c > 13 {
			t.Fatalf("probability of column %d read, outside the block 10..13", c)
		}
	}
	// Limit 2: 0.03 flags units 2 and 3 (2 false alarms a week); K = 4 too.
	// Limit 1: 0.05 flags unit 2 only; K = 3.
	for w := 2; w <= 4; w++ {
		if got := pr.thr[0][0][w]; got != 0.03 {
			t.Errorf("week %d, limit 2: threshold %v, want 0.03", w, got)
		}
		if got := pr.thr[0][1][w]; got != 0.05 {
			t.Errorf("week %d, limit 1: threshold %v, want 0.05", w, got)
		}
		if got := pr.k[0][0][w]; got != 4 {
			t.Errorf("week %d, limit 2: K %d, want 4", w, got)
		}
		if got := pr.k[0][1][w]; got != 3 {
			t.Errorf("week %d, limit 1: K %d, want 3", w, got)
		}
	}
	if pr.thr[0][0][0] != 0 || pr.thr[0][0][5] != 0 {
		t.Error("weeks outside 2..4 were given a rule")
	}
	// No relevant unit: every flag is false. No threshold keeps the two
	// units above 0.1 under 1 false alarm a week, so nothing is flagged;
	// K = 1 (one false alarm a week) is still within the limit.
	for u := range rel {
		for c := range rel[u] {
			rel[u][c] = false
		}
	}
	pr.choose(0, 0, 0, 10, 13, 4, func(t, u int) float64 { return probs[u] }, rel, cfg)
	if got := pr.thr[0][1][0]; got != noFlagThreshold {
		t.Errorf("no admissible threshold: %v, want %v", got, noFlagThreshold)
	}
	if got := pr.k[0][1][0]; got != 1 {
		t.Errorf("limit 1 with no relevant unit: K %d, want 1", got)
	}
}
