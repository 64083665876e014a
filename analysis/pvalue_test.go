package analysis

import (
	"math"
	"testing"
)

func relClose(got, want, tol float64) bool {
	if got == want {
		return true
	}
	return math.Abs(got-want) <= tol*math.Max(math.Abs(want), 1e-300)
}

// Reference values calculated by R 4.2.2 with
// pnbinom(x-1, size = size, mu = mu, lower.tail = FALSE), printed with
// options(digits = 17).
func TestNegBinomUpperTail(t *testing.T) {
	for _, test := range []struct {
		x, mu, size, want float64
	}{
		{x: 4, mu: 1.5, size: 2, want: 0.110846671029928},
		{x: 5, mu: 1.5, size: 2, want: 0.055767579834932725}, // pnbinom(4, size=2, mu=1.5, lower.tail=FALSE)
		{x: 1, mu: 1.5, size: 2, want: 0.67346938775510212},
		{x: 10, mu: 2.5, size: 0.8, want: 0.042460526561207981},
		{x: 30, mu: 3, size: 5, want: 1.2733643814486413e-09},
		{x: 0, mu: 2, size: 1, want: 1},
		{x: 12, mu: 4.2, size: 1000, want: 0.0014126346961919596},
		{x: 200, mu: 150, size: 20, want: 0.090574055816285359},
		{x: 7, mu: 0.05, size: 0.5, want: 1.1204602298695044e-08},
		// Poisson: ppois(x-1, mu, lower.tail = FALSE).
		{x: 4, mu: 1.5, size: math.Inf(1), want: 0.065642454378450135},
		{x: 10, mu: 2.2, size: math.Inf(1), want: 0.00010088826317836022},
		{x: 25, mu: 3, size: math.Inf(1), want: 3.0724118736993512e-15},
		{x: 1, mu: 0.01, size: math.Inf(1), want: 0.0099501662508319471},
		// Fractional counts interpolate linearly between the integers:
		// pnbinom(2, size=3, mu=2, lower.tail=FALSE) = P(Y >= 3) and
		// pnbinom(3, size=3, mu=2, lower.tail=FALSE) = P(Y >= 4).
		{x: 3, mu: 2, size: 3, want: 0.31744000000000017},
		{x: 4, mu: 2, size: 3, want: 0.17920000000000005},
		{x: 3.5, mu: 2, size: 3, want: (0.31744000000000017 + 0.17920000000000005) / 2},
		// No cases expected: any case is impossible, no case is certain.
		{x: 1, mu: 0, size: 2, want: 0},
		{x: 0, mu: 0, size: 2, want: 1},
	} {
		got := NegBinomUpperTail(test.x, test.mu, test.size)
		if !relClose(got, test.want, 1e-10) {
			t.Errorf("NegBinomUpperTail(%v, %v, %v) = %.17g, want %.17g", test.x, test.mu, test.size, got, test.want)
		}
	}
	for _, bad := range [][3]float64{{1, -1, 2}, {1, 1, 0}, {math.NaN(), 1, 1}, {1, math.NaN(), 1}, {1, 1, -3}} {
		if got := NegBinomUpperTail(bad[0], bad[1], bad[2]); !math.IsNaN(got) {
			t.Errorf("NegBinomUpperTail(%v) = %v, want NaN", bad, got)
		}
	}
}

// Large sizes, where the incomplete beta loses accuracy and the tail is summed.
// Reference values calculated by R 4.2.2 with pnbinom(x-1, size, mu = mu,
// lower.tail = FALSE), options(digits = 17).
func TestNegBinomUpperTailLargeSize(t *testing.T) {
	for _, test := range []struct{ x, mu, size, want float64 }{
		{x: 8, mu: 2, size: 1e4, want: 0.0010984382157085352},
		{x: 8, mu: 2, size: 1e7, want: 0.0010967206864026888},
		{x: 450, mu: 400, size: 1e7, want: 0.00745535716354573524},
		{x: 30, mu: 15, size: 1e7, want: 0.00041845431221140816},
		{x: 8, mu: 2, size: 1e9, want: 0.0010967189850441355},
		{x: 8, mu: 2, size: 1e11, want: 0.0010967189680305587},
		{x: 1, mu: 0.3, size: 1e8, want: 0.25918177898491485},
		{x: 1, mu: 0.3, size: 1e11, want: 0.25918177931794922},
	} {
		got := NegBinomUpperTail(test.x, test.mu, test.size)
		if !relClose(got, test.want, 1e-9) {
			t.Errorf("NegBinomUpperTail(%v, %v, %g) = %.17g, want %.17g", test.x, test.mu, test.size, got, test.want)
		}
	}
	// And it tends to the Poisson: relative difference O((x-mu)²/size).
	for _, mu := range []float64{0.3, 2, 15, 400} {
		for _, x := range []float64{1, 3, 8, 30, 450} {
			pois := NegBinomUpperTail(x, mu, math.Inf(1))
			if got := NegBinomUpperTail(x, mu, 1e12); !relClose(got, pois, 1e-6) {
				t.Errorf("mu %v x %v size 1e12: %.15g, Poisson %.15g", mu, x, got, pois)
			}
		}
	}
}

// The interpolated tail must be non-increasing in x and continuous.
func TestNegBinomUpperTailMonotone(t *testing.T) {
	prev := 1.0
	for x := 0.0; x <= 20; x += 0.05 {
		p := NegBinomUpperTail(x, 3, 1.5)
		if p > prev+1e-15 {
			t.Fatalf("tail rises at x=%v: %v > %v", x, p, prev)
		}
		if prev-p > 0.02 {
			t.Fatalf("tail jumps at x=%v: %v -> %v", x, prev, p)
		}
		prev = p
	}
}

// Reference values calculated by R 4.2.2: pbinom(x-1, n, p, lower.tail = FALSE)
// and, for the beta-binomial, sum(choose(n,k)*beta(k+a,n-k+b)/beta(a,b)) over
// k = x..n.
func TestBinomialTails(t *testing.T) {
	for _, test := range []struct{ x, n, p, want float64 }{
		{x: 3, n: 10, p: 0.1, want: 0.070190826400000086},
		{x: 5, n: 5, p: 0.3, want: 0.002429999999999999},
		{x: 1, n: 4, p: 0.2, want: 0.59039999999999981},
		{x: 40, n: 100, p: 0.25, want: 0.00068659220796299088},
		{x: 0, n: 3, p: 0.5, want: 1},
		{x: 4, n: 3, p: 0.5, want: 0},
		{x: 1, n: 3, p: 0, want: 0},
	} {
		if got := binomUpperTail(test.x, test.n, test.p); !relClose(got, test.want, 1e-10) {
			t.Errorf("binomUpperTail(%v, %v, %v) = %.17g, want %.17g", test.x, test.n, test.p, got, test.want)
		}
	}
	for _, test := range []struct{ x, n, a, b, want float64 }{
		{x: 3, n: 10, a: 2, b: 8, want: 0.33281733746130027},
		{x: 5, n: 5, a: 1.5, b: 6, want: 0.0044420514201103664},
		{x: 1, n: 4, a: 0.5, b: 0.5, want: 0.7265625},
		{x: 20, n: 60, a: 30, b: 90, want: 0.13767713579840629},
	} {
		if got := betaBinomUpperTail(test.x, test.n, test.a, test.b); !relClose(got, test.want, 1e-10) {
			t.Errorf("betaBinomUpperTail(%v, %v, %v, %v) = %.17g, want %.17g", test.x, test.n, test.a, test.b, got, test.want)
		}
	}
	// A strong prior makes the beta-binomial a binomial.
	bb := betaBinomUpperTail(40, 100, 0.25*1e9, 0.75*1e9)
	if !relClose(bb, 0.00068659220796299088, 1e-6) {
		t.Errorf("beta-binomial with a+b=1e9: %.15g, want binomial 0.000686592207962991", bb)
	}
}

func TestMinPCombine(t *testing.T) {
	for _, test := range []struct {
		p    []float64
		want float64
	}{
		{[]float64{0.5, 1}, 0.75},            // 1 - 0.5²
		{[]float64{1e-12, 1}, 2e-12 - 1e-24}, // 1 - (1-1e-12)², exact to double precision
		{[]float64{0.04, 0.3, 0.9}, 1 - 0.96*0.96*0.96},
		{[]float64{0, 0.3}, 0},
	} {
		if got := minPCombine(test.p...); !relClose(got, test.want, 1e-12) {
			t.Errorf("minPCombine(%v) = %.17g, want %.17g", test.p, got, test.want)
		}
	}
}
