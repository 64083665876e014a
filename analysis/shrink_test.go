package analysis

import (
	"math"
	"testing"
)

// Reference values: the formulas of gammaPrior and betaPrior evaluated in
// R 4.2.2 (m <- sum(y)/sum(e); s2 <- sum(e*(y/e-m)^2)/sum(e); v <- s2 -
// m/mean(e); alpha <- m^2/v; beta <- m/v; and likewise for rho), not an
// independent implementation: the tests pin the arithmetic.
func TestGammaPrior(t *testing.T) {
	alpha, beta, err := gammaPrior([]float64{10, 0, 25, 7}, []float64{8, 3, 20, 12})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(alpha-14.13084112149533) > 1e-10 || math.Abs(beta-14.467289719626169) > 1e-10 {
		t.Errorf("gammaPrior = %.15g, %.15g; want 14.1308411214953, 14.4672897196262", alpha, beta)
	}
	// No heterogeneity: y exactly proportional to e, prior capped.
	alpha, beta, err = gammaPrior([]float64{10, 20, 30}, []float64{10, 20, 30})
	if err != nil {
		t.Fatal(err)
	}
	if alpha != maxPriorStrength || beta != maxPriorStrength {
		t.Errorf("homogeneous units: alpha, beta = %v, %v; want %v", alpha, beta, maxPriorStrength)
	}
	if _, _, err := gammaPrior([]float64{0, 0}, []float64{1, 1}); err == nil {
		t.Error("no error without cases")
	}
}

func TestBetaPrior(t *testing.T) {
	a, b, err := betaPrior([]float64{2, 5, 1, 9, 0}, []float64{10, 12, 8, 20, 3})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(a-7.3090914957021749) > 1e-10 || math.Abs(b-15.244676548178822) > 1e-10 {
		t.Errorf("betaPrior = %.15g, %.15g; want 7.30909149570217, 15.2446765481788", a, b)
	}
	// Units with identical shares: no extra-binomial variation.
	a, b, err = betaPrior([]float64{2, 4, 6}, []float64{10, 20, 30})
	if err != nil {
		t.Fatal(err)
	}
	if s := a + b; math.Abs(s-maxPriorStrength) > 1e-6 {
		t.Errorf("homogeneous shares: a+b = %v, want %v", s, maxPriorStrength)
	}
	// No serious case anywhere: the pooled share stays above zero.
	a, _, err = betaPrior([]float64{0, 0}, []float64{10, 30})
	if err != nil {
		t.Fatal(err)
	}
	if !(a > 0) {
		t.Errorf("a = %v with no serious cases, want > 0", a)
	}
}
