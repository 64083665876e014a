package analysis

import (
	"math"
	"testing"
)

func TestAUROC(t *testing.T) {
	// Hand computed: positives at scores 0.9 and 0.4, negatives 0.8, 0.4, 0.1.
	// Pairs (pos > neg): 0.9 beats 3; 0.4 beats 0.1, ties 0.4 (1/2) -> 4.5/6.
	s := []float64{0.9, 0.8, 0.4, 0.4, 0.1}
	y := []bool{true, false, true, false, false}
	if got := AUROC(s, y); math.Abs(got-4.5/6) > 1e-12 {
		t.Errorf("AUROC = %v, want %v", got, 4.5/6)
	}
	if got := AUROC([]float64{1, 2}, []bool{true, true}); !math.IsNaN(got) {
		t.Errorf("AUROC with one class = %v, want NaN", got)
	}
}

func TestAveragePrecision(t *testing.T) {
	// Ranking + - + - : AP = (1/2)(1/1) + (1/2)(2/3) = 5/6.
	s := []float64{4, 3, 2, 1}
	y := []bool{true, false, true, false}
	if got := AveragePrecision(s, y); math.Abs(got-5.0/6) > 1e-12 {
		t.Errorf("AP = %v, want %v", got, 5.0/6)
	}
	// All tied: AP equals the positive rate.
	if got := AveragePrecision([]float64{1, 1, 1, 1}, y); math.Abs(got-0.5) > 1e-12 {
		t.Errorf("AP of ties = %v, want 0.5", got)
	}
}

func TestBrierDecomposition(t *testing.T) {
	// Forecasts constant within bins: BS = REL - RES + UNC exactly.
	p := []float64{0.15, 0.15, 0.15, 0.15, 0.6, 0.6, 0.6, 0.6, 0.6}
	y := []bool{false, false, false, true, true, true, true, false, true}
	bs, rel, res, unc, table := BrierDecomposition(p, y)
	var direct float64
	for i, v := range p {
		o := 0.0
		if y[i] {
			o = 1
		}
		direct += (v - o) * (v - o)
	}
	direct /= float64(len(p))
	if math.Abs(bs-direct) > 1e-12 {
		t.Errorf("BS = %v, want %v", bs, direct)
	}
	if math.Abs(bs-(rel-res+unc)) > 1e-12 {
		t.Errorf("BS %v != REL %v - RES %v + UNC %v", bs, rel, res, unc)
	}
	// ō = 5/9; bins: (0.15: 1/4 observed), (0.6: 4/5 observed).
	wantRel := (4*math.Pow(0.15-0.25, 2) + 5*math.Pow(0.6-0.8, 2)) / 9
	if math.Abs(rel-wantRel) > 1e-12 || len(table) != 2 || table[1].N != 5 {
		t.Errorf("REL = %v want %v, table %+v", rel, wantRel, table)
	}
}
