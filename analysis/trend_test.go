package analysis

import (
	"math"
	"testing"
)

func TestMannKendall(t *testing.T) {
	for _, c := range []struct {
		name             string
		y                []float64
		s, varS, z, p    float64
		tau              float64
		tolZ, tolP, tau0 float64
	}{
		// By hand: 10 concordant pairs, Var S = 5·4·15/18, Z = 9/√(50/3).
		{"increasing", []float64{1, 2, 3, 4, 5}, 10, 50.0 / 3, 9 / math.Sqrt(50.0/3), math.Erfc(9 / math.Sqrt(50.0/3) / math.Sqrt2), 1, 1e-15, 1e-15, 1e-15},
		// By hand with a tie of size 2: S = 2, Var S = (3·2·11 - 2·1·9)/18 = 8/3,
		// Z = 1/√(8/3), tau-b = 2/√(3·2).
		{"tie", []float64{1, 1, 2}, 2, 8.0 / 3, 1 / math.Sqrt(8.0/3), math.Erfc(1 / math.Sqrt(8.0/3) / math.Sqrt2), 2 / math.Sqrt(6), 1e-15, 1e-15, 1e-15},
		// R 4.2.2: cor.test(seq_along(y), y, method = "kendall", exact = FALSE,
		// continuity = TRUE) -> z 3.0582114061704297, p 0.0022266243328098218,
		// tau 0.70921127030768882. S and Var S by hand: S = 45 (Z = 44/√207),
		// Var S = (12·11·29 - (2·1·9 + 3·2·11 + 2·1·9))/18 = 207.
		{"R ties", []float64{5, 3, 3, 7, 8, 8, 8, 6, 9, 12, 10, 10}, 45, 207, 3.0582114061704297, 0.0022266243328098218, 0.70921127030768882, 1e-13, 1e-12, 1e-13},
	} {
		r, err := MannKendall(c.y)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if r.S != c.s || math.Abs(r.VarS-c.varS) > 1e-12*c.varS {
			t.Errorf("%s: S %v Var %v, want %v %v", c.name, r.S, r.VarS, c.s, c.varS)
		}
		if !spClose(r.Z, c.z, c.tolZ, 1) || !spClose(r.P, c.p, c.tolP, 1e-300) || !spClose(r.Tau, c.tau, c.tau0, 1) {
			t.Errorf("%s: Z %.17g P %.17g tau %.17g, want %.17g %.17g %.17g", c.name, r.Z, r.P, r.Tau, c.z, c.p, c.tau)
		}
	}
	// Reversal flips the sign; NaN is skipped.
	r, _ := MannKendall([]float64{5, math.NaN(), 4, 3, 2, 1})
	if r.S != -10 || r.N != 5 {
		t.Errorf("decreasing with NaN: S %v N %d", r.S, r.N)
	}
	for _, y := range [][]float64{{1, 2}, {3, 3, 3, 3}} {
		if _, err := MannKendall(y); err == nil {
			t.Errorf("MannKendall(%v): no error", y)
		}
	}
}

func TestSensSlope(t *testing.T) {
	// By hand: slopes 2, 0.5, -1 -> 0.5; residuals 0.5, 2, 0.5 -> intercept 0.5.
	r, err := SensSlope(nil, []float64{1, 3, 2}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if r.Slope != 0.5 || r.Intercept != 0.5 || !math.IsNaN(r.Lower) {
		t.Errorf("got %+v, want slope 0.5, intercept 0.5, no interval for n = 3", r)
	}
	// R 4.2.2: median of the 66 pairwise slopes = 0.5 and median(y - 0.5 t) = 4.5.
	y := []float64{5, 3, 3, 7, 8, 8, 8, 6, 9, 12, 10, 10}
	r, err = SensSlope(nil, y, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if r.Slope != 0.5 || r.Intercept != 4.5 {
		t.Errorf("slope %v intercept %v, want 0.5 4.5", r.Slope, r.Intercept)
	}
	if !(r.Lower <= r.Slope && r.Slope <= r.Upper && r.Lower > 0) {
		t.Errorf("95%% interval [%v, %v] should hold 0.5 and exclude 0 (MK p = 0.002)", r.Lower, r.Upper)
	}
	// Uneven times: the slope is per unit of t.
	r, _ = SensSlope([]float64{0, 2, 4, 6}, []float64{1, 2, 3, 4}, 0.9)
	if r.Slope != 0.5 {
		t.Errorf("slope with t step 2 = %v, want 0.5", r.Slope)
	}
	if _, err := SensSlope([]float64{1, 1}, []float64{1, 2}, 0.95); err == nil {
		t.Error("no error for equal times")
	}
}

// TestGLMTrend checks the slopes against R 4.2.2:
// glm(cnt ~ seq_along(cnt), poisson, control = glm.control(epsilon = 1e-14))
// and MASS 7.3 glm.nb(od ~ seq_along(od)) with confint.default (Wald).
func TestGLMTrend(t *testing.T) {
	cnt := []float64{2, 0, 1, 3, 1, 4, 2, 5, 3, 7, 4, 6, 9, 5, 8, 11, 6, 10, 14, 9}
	r, err := GLMTrend(nil, cnt, Poisson, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.37576663978731434, 0.10858574798266234, 0.018469420730801187, 0.072386348534974582, 0.14478514743035009}
	for i, got := range []float64{r.Intercept, r.Slope, r.SE, r.Lower, r.Upper} {
		if !spClose(got, want[i], 1e-8, 1e-3) {
			t.Errorf("poisson coef %d = %.17g, want %.17g", i, got, want[i])
		}
	}
	od := []float64{0, 5, 1, 9, 2, 0, 12, 3, 1, 15, 4, 0, 20, 6, 2, 25, 3, 9, 30, 1}
	r, err = GLMTrend(nil, od, NegBin, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	want = []float64{0.92239022986673147, 0.090991691950148473, 0.044163230367133065, 0.0044333509896220535, 0.17755003291067489, 0.90129195257169614}
	for i, got := range []float64{r.Intercept, r.Slope, r.SE, r.Lower, r.Upper, r.Theta} {
		if !spClose(got, want[i], 1e-6, 1e-3) {
			t.Errorf("negbin coef %d = %.17g, want %.17g", i, got, want[i])
		}
	}
	// Underdispersed counts: theta runs to the cap, the fit equals Poisson.
	r, err = GLMTrend(nil, cnt, NegBin, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if r.Theta < 1e6 || !spClose(r.Slope, 0.10858574798266234, 1e-6, 1) {
		t.Errorf("equidispersed negbin: theta %v slope %v", r.Theta, r.Slope)
	}
	for _, y := range [][]float64{{0, 0, 0, 0}, {1, -1, 2}, {1, 2}} {
		if _, err := GLMTrend(nil, y, NegBin, 0.95); err == nil {
			t.Errorf("GLMTrend(%v): no error", y)
		}
	}
}
