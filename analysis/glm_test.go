package analysis

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestPooledMatchesDummyGLM checks that fitting the city totals gives the same
// shared coefficients and unit intercepts as the full Poisson GLM with one
// dummy per unit. Reference values calculated by R 4.2.2 with
//
//	glm(y ~ 0 + unit + tr + s1 + c1, family = poisson,
//	    control = glm.control(epsilon = 1e-14, maxit = 100))
//
// on the same deterministic 4 x 60 panel (y[u,t] = (7u + 3t + t² mod 5) mod
// (u+3), u, t 1-based, weeks from absolute index 2700, trend in years from the
// last week, one harmonic pair).
func TestPooledMatchesDummyGLM(t *testing.T) {
	const U, T, first = 4, 60, 2700
	rows := make([][]float64, U)
	city := make([]float64, T)
	yu := make([]float64, U)
	for u := 1; u <= U; u++ {
		rows[u-1] = make([]float64, T)
		for tt := 1; tt <= T; tt++ {
			v := float64((u*7 + tt*3 + (tt*tt)%5) % (u + 3))
			rows[u-1][tt-1] = v
			city[tt-1] += v
			yu[u-1] += v
		}
	}
	fit, err := fitPooled(city, first)
	if err != nil {
		t.Fatal(err)
	}
	if fit.design.k != 1 {
		t.Fatalf("harmonics = %d, want 1 for 60 weeks", fit.design.k)
	}
	wantShared := []float64{-0.0909529129325553354, 0.0010972282659400278, -0.0570674973464185276}
	for j, w := range wantShared {
		if got := fit.beta[j+1]; math.Abs(got-w) > 1e-9 {
			t.Errorf("shared coefficient %d = %.15g, want %.15g", j, got, w)
		}
	}
	wantUnit := []float64{0.3562683389998883565, 1.0494155195598340313, 0.7837123538268276901, 1.0382422189617086516}
	for u, w := range wantUnit {
		got := math.Log(yu[u] / fit.total * math.Exp(fit.beta[0]))
		if math.Abs(got-w) > 1e-9 {
			t.Errorf("unit %d intercept = %.15g, want %.15g", u+1, got, w)
		}
	}
	if fit.total != 586 {
		t.Errorf("total = %v, want 586", fit.total)
	}
	var sum float64
	for _, g := range fit.city {
		sum += g
	}
	if math.Abs(sum-fit.total) > 1e-8 {
		t.Errorf("fitted city totals sum to %v, want %v (likelihood equation of the intercept)", sum, fit.total)
	}
}

// TestPooledNearExactFit: city totals that barely vary (the 27 weeks below
// are those of the national benchmark's synthetic logbooks, 2023-W15..W41,
// week index 2779) fit almost exactly; the deviance then flipped between its
// last bits, never met the relative test, and analyze failed with "did not
// converge". The fit must converge, to fitted totals equal to the data
// within rounding.
func TestPooledNearExactFit(t *testing.T) {
	c := []float64{38388, 38388, 38387, 38388, 38388, 38387, 38388, 38388, 38388, 38387, 38388, 38388, 38387,
		38388, 38388, 38388, 38387, 38388, 38388, 38388, 38387, 38388, 38388, 38387, 38388, 38388, 38388}
	fit, err := fitPooled(c, 2779)
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range fit.city {
		if math.Abs(g-c[i]) > 1 {
			t.Errorf("week %d fitted %v, data %v", i, g, c[i])
		}
	}
}

func TestPoissonIRLSErrors(t *testing.T) {
	if _, err := fitPooled(make([]float64, 60), 100); err == nil {
		t.Error("no error for an all-zero series")
	}
}

// TestBlockDispersion simulates weekly negative-binomial counts with a known
// dispersion that is constant over 4-week blocks (one gamma draw per block),
// so that 4-week totals have dispersion phi, and checks the estimate.
func TestBlockDispersion(t *testing.T) {
	const U, T, W = 300, 156, 4
	src := rand.NewPCG(1, 2)
	for _, phi := range []float64{0, 0.1, 0.4} {
		share := make([]float64, T)
		for i := range share {
			share[i] = (1 + 0.3*math.Sin(2*math.Pi*float64(i)/weeksPerYear)) / T
		}
		var s float64
		for _, v := range share {
			s += v
		}
		for i := range share {
			share[i] /= s
		}
		rows := make([][]float64, U)
		for u := range rows {
			rate := 40 + 40*float64(u%5) // cases over the whole history
			rows[u] = make([]float64, T)
			for b := 0; b < T/W; b++ {
				g := 1.0
				if phi > 0 {
					g = distuv.Gamma{Alpha: 1 / phi, Beta: 1 / phi, Src: src}.Rand()
				}
				for i := b * W; i < (b+1)*W; i++ {
					rows[u][i] = distuv.Poisson{Lambda: rate * share[i] * g, Src: src}.Rand()
				}
			}
		}
		got, err := blockDispersion(rows, share, W, 4)
		if err != nil {
			t.Fatal(err)
		}
		// The unit totals are estimated from the same data, which biases phi
		// down slightly; the standard error is about 0.02 here.
		if math.Abs(got-phi) > 0.05 {
			t.Errorf("phi = %.4f, want %.2f ± 0.05", got, phi)
		}
	}
}
