package scorecard_test

import (
	"math"
	"testing"

	"github.com/canhbao/canhbao/scorecard"
)

// Hand-computed example (exact binomial, Spiegelhalter 2005 §A.1.1), n = 10,
// p0 = 0.8. Bin(10, 0.8) point probabilities: P(4) = 0.005505, P(5) =
// 0.026424, P(9) = 0.268435, P(10) = 0.107374; CDF F(4) = 0.006369,
// F(5) = 0.032793, F(9) = 0.892626, F(10) = 1.
//
//	lower 95%: p = 0.025 → r_p = 5, α = (0.032793 − 0.025)/(0.032793 − 0.006369) = 0.294920,
//	           limit = (5 − 0.294920)/10 = 0.470508
//	upper 95%: p = 0.975 → r_p = 10, α = (1 − 0.975)/(1 − 0.892626) = 0.232831,
//	           limit = (10 − 0.232831)/10 = 0.976717
//
// Normal approximation, same n and p0: 0.8 ∓ 1.959964·√(0.16/10) = 0.8 ∓ 0.247918
// → 0.552082, 1.047918 (clamped to 1); 99.8%: 0.8 − 3.090232·0.126491 = 0.409113.
func TestLimitsHandComputed(t *testing.T) {
	const tol = 2e-6
	cases := []struct {
		name      string
		got, want float64
	}{
		{"exact lower 95%", scorecard.BinomialLimit(10, 0.8, 0.025), 0.470508},
		{"exact upper 95%", scorecard.BinomialLimit(10, 0.8, 0.975), 0.976717},
	}
	f := &scorecard.Funnel{Target: 0.8, Phi: 1, Method: scorecard.Normal}
	l := f.LimitsAt(10)
	cases = append(cases,
		struct {
			name      string
			got, want float64
		}{"normal lower 95%", l.Lower95, 0.552082},
		struct {
			name      string
			got, want float64
		}{"normal upper 95% (clamped)", l.Upper95, 1},
		struct {
			name      string
			got, want float64
		}{"normal lower 99.8%", l.Lower998, 0.409113},
	)
	// Over-dispersed normal limits: p0 = 0.8, n = 25, φ = 2:
	// se = √(2·0.16/25) = 0.113137; lower 99.8% = 0.8 − 3.090232·0.113137 = 0.450380.
	fa := &scorecard.Funnel{Target: 0.8, Phi: 2, Adjusted: true}
	cases = append(cases, struct {
		name      string
		got, want float64
	}{"adjusted lower 99.8%", fa.LimitsAt(25).Lower998, 0.450380})
	for _, c := range cases {
		if math.Abs(c.got-c.want) > tol {
			t.Errorf("%s: got %.6f, want %.6f", c.name, c.got, c.want)
		}
	}
	// One bad case out of one: F(0) = 0.2 ≥ 0.001, so the lower 99.8% limit is 0.
	if v := scorecard.BinomialLimit(1, 0.8, 0.001); v != 0 {
		t.Errorf("lower 99.8%% limit at n=1: %v, want 0", v)
	}
}

// Winsorised φ (Spiegelhalter 2005 §6), I = 10, ⌊0.1·10⌋ = 1 replaced at each end:
// z = −3, −2, −1, −0.5, 0, 0.5, 1, 1.5, 2, 4 → −2, −2, −1, −0.5, 0, 0.5, 1, 1.5, 2, 2;
// Σz² = 4+4+1+0.25+0+0.25+1+2.25+4+4 = 20.75; φ = 2.075.
func TestPhiHandComputed(t *testing.T) {
	z := []float64{-3, -1, 0, 1, 2, 0.5, -0.5, 1.5, -2, 4}
	if got := scorecard.Phi(z); math.Abs(got-2.075) > 1e-12 {
		t.Errorf("phi = %v, want 2.075", got)
	}
}

// The pooled target and the adjustment decision on small data: 3 units of
// 10, 10, 20 decided with 8, 9, 16 settled → p0 = 33/40 = 0.825. z-scores
// z = (y − p0)/√(0.825·0.175/n): −0.025/0.120156 = −0.20806, 0.075/0.120156 = 0.62419,
// −0.025/0.084963 = −0.29425 (I = 3, nothing winsorised); φ = (0.04329 + 0.38961 + 0.08658)/3
// = 0.17316 < 1:
// no adjustment, limits stay binomial.
func TestFunnelTargetAndNoAdjustment(t *testing.T) {
	f, err := scorecard.NewFunnel([]scorecard.Point{{"a", 8, 10}, {"b", 9, 10}, {"c", 16, 20}, {"empty", 0, 0}},
		scorecard.Exact, scorecard.DispersionAuto)
	if err != nil {
		t.Fatal(err)
	}
	if f.Target != 0.825 || f.Units != 3 || f.Adjusted {
		t.Errorf("target %v units %d adjusted %v", f.Target, f.Units, f.Adjusted)
	}
	se := func(n float64) float64 { return math.Sqrt(0.825 * 0.175 / n) }
	want := ((-0.025/se(10))*(-0.025/se(10)) + (0.075/se(10))*(0.075/se(10)) + (-0.025/se(20))*(-0.025/se(20))) / 3
	if math.Abs(f.Phi-want) > 1e-12 || math.Abs(want-0.17316) > 1e-4 {
		t.Errorf("phi %v, want %v (≈0.17316)", f.Phi, want)
	}
	if _, err := scorecard.NewFunnel([]scorecard.Point{{"x", 5, 3}}, scorecard.Exact, scorecard.DispersionAuto); err == nil {
		t.Error("events > n accepted")
	}
	if _, err := scorecard.NewFunnel(nil, scorecard.Exact, scorecard.DispersionAuto); err == nil {
		t.Error("no data accepted")
	}
}
