package analysis

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// intTol is how close a fractional count must be to an integer to be taken as
// that integer (sums of apportioned weights carry rounding noise).
const intTol = 1e-9

// splitCount writes x >= 0 as k + f with k an integer and f in [0, 1), snapping
// x to the nearest integer when it is within intTol of it.
func splitCount(x float64) (k, f float64) {
	r := math.Round(x)
	if math.Abs(x-r) <= intTol {
		return r, 0
	}
	k = math.Floor(x)
	return k, x - k
}

// interpolateTail evaluates an upper tail P(Y >= x) of an integer-valued Y at
// a real x >= 0: at integers it is the tail itself, in between it is linear,
//
//	P(x) = (1-f) P(Y >= k) + f P(Y >= k+1),  k = floor(x), f = x - k.
//
// This is the continuity-consistent choice for apportioned (fractional)
// counts: continuous and non-increasing in x, exact at integers, and lying
// between the conservative P(Y >= floor x) and the liberal P(Y >= ceil x).
func interpolateTail(x float64, tail func(k float64) float64) float64 {
	if x <= 0 {
		return 1
	}
	k, f := splitCount(x)
	p := tail(k)
	if f > 0 {
		p = (1-f)*p + f*tail(k+1)
	}
	return p
}

// poissonSize is the size above which betaBinomUpperTail treats its prior as
// a point mass (binomial).
const poissonSize = 1e12

// largeSize is the size above which NegBinomUpperTail sums the probability
// function instead of calling the incomplete beta function, whose accuracy
// degrades for very unequal parameters (relative error 1e-9 at size 1e6,
// 3e-4 at 1e11, against R's pnbinom).
const largeSize = 1e6

// NegBinomUpperTail returns the upper tail P(Y >= x) of a negative binomial Y
// with mean mu and size (shape) size, whose variance is mu + mu²/size; the
// dispersion is 1/size. size = +Inf gives the Poisson distribution. This is
// R's pnbinom(x-1, size = size, mu = mu, lower.tail = FALSE) for integer x.
//
// For integer k >= 1, with p = mu / (mu + size),
//
//	P(Y >= k) = I_p(k, size)             (negative binomial)
//	P(Y >= k) = P(k, mu)                  (Poisson, size = +Inf)
//
// where I is the regularised incomplete beta function and P the regularised
// lower incomplete gamma function (Johnson, Kemp & Kotz, Univariate Discrete
// Distributions, 3rd ed., 2005, eqs. 5.31 and 4.36). Computing the upper tail
// directly avoids the cancellation of 1 - CDF for small p-values.
// Non-integer x (apportioned counts) are interpolated linearly between the
// neighbouring integers (see interpolateTail). x <= 0 gives 1.
//
// NaN is returned when mu < 0, size <= 0 or any argument is NaN.
func NegBinomUpperTail(x, mu, size float64) float64 {
	if math.IsNaN(x) || math.IsNaN(mu) || math.IsNaN(size) || mu < 0 || size <= 0 || math.IsInf(mu, 0) {
		return math.NaN()
	}
	return interpolateTail(x, func(k float64) float64 {
		switch {
		case k <= 0:
			return 1
		case mu == 0:
			return 0
		case math.IsInf(k, 1):
			return 0
		case math.IsInf(size, 1):
			return mathext.GammaIncReg(k, mu)
		case size > largeSize:
			return negBinomTailSum(k, mu, size)
		}
		return mathext.RegIncBeta(k, size, mu/(mu+size))
	})
}

// negBinomTailSum returns P(Y >= k), k a positive integer, for a negative
// binomial with a large size r, summing the probability function
//
//	log P(Y = j) = j log mu - log j! - (r + j) log1p(mu/r) + Σ_{i<j} log1p(i/r),
//
// which keeps full precision as r grows, with the ratio P(j+1)/P(j) =
// (j + r)/(j + 1) · mu/(r + mu). Above the mean it sums the upper tail until
// the terms no longer change the sum; at or below it, it returns one minus
// the lower sum (the tail is then not small, so nothing cancels).
func negBinomTailSum(k, mu, r float64) float64 {
	q := mu / (r + mu)
	if k <= mu {
		term := math.Exp(-r * math.Log1p(mu/r))
		var lower float64
		for j := 0.0; j < k; j++ {
			lower += term
			term *= (j + r) / (j + 1) * q
		}
		return math.Max(0, 1-lower)
	}
	lg, _ := math.Lgamma(k + 1)
	logp := k*math.Log(mu) - lg - (r+k)*math.Log1p(mu/r)
	for i := 0.0; i < k; i++ {
		logp += math.Log1p(i / r)
	}
	term := math.Exp(logp)
	var sum float64
	for j := k; term > 0; j++ {
		sum += term
		if term <= 1e-17*sum {
			break
		}
		term *= (j + r) / (j + 1) * q
	}
	return math.Min(sum, 1)
}

// betaBinomUpperTail returns P(X >= x) for X ~ beta-binomial(n, a, b): X | π ~
// Binomial(n, π), π ~ Beta(a, b). n is rounded to the nearest integer (the
// number of cases in the window, possibly a sum of apportioned weights), x is
// interpolated as in interpolateTail and x > n gives 0. a = +Inf or b = +Inf
// (or a+b very large) gives the binomial tail with π = a/(a+b), computed as
//
//	P(X >= k) = I_π(k, n-k+1).
//
// The beta-binomial tail is summed term by term from k to n in log space,
//
//	P(X = j) = C(n, j) B(j+a, n-j+b) / B(a, b).
//
// NaN is returned for negative n, non-positive a or b, or NaN arguments.
func betaBinomUpperTail(x, n, a, b float64) float64 {
	if math.IsNaN(x) || math.IsNaN(n) || math.IsNaN(a) || math.IsNaN(b) || n < 0 || a <= 0 || b <= 0 {
		return math.NaN()
	}
	n = math.Round(n)
	binomial := math.IsInf(a, 1) || math.IsInf(b, 1) || a+b >= poissonSize
	var pi float64
	if binomial {
		switch {
		case math.IsInf(a, 1) && math.IsInf(b, 1):
			return math.NaN()
		case math.IsInf(a, 1):
			pi = 1
		case math.IsInf(b, 1):
			pi = 0
		default:
			pi = a / (a + b)
		}
	}
	lbab := mathext.Lbeta(a, b)
	lgn, _ := math.Lgamma(n + 1)
	return interpolateTail(x, func(k float64) float64 {
		switch {
		case k <= 0:
			return 1
		case k > n:
			return 0
		case binomial:
			if pi == 0 {
				return 0
			}
			if pi == 1 {
				return 1
			}
			return mathext.RegIncBeta(k, n-k+1, pi)
		}
		var s float64
		for j := k; j <= n; j++ {
			lgj, _ := math.Lgamma(j + 1)
			lgnj, _ := math.Lgamma(n - j + 1)
			s += math.Exp(lgn - lgj - lgnj + mathext.Lbeta(j+a, n-j+b) - lbab)
		}
		return math.Min(s, 1)
	})
}

// binomUpperTail returns P(X >= x) for X ~ Binomial(n, pi), n rounded and x
// interpolated as in betaBinomUpperTail.
func binomUpperTail(x, n, pi float64) float64 {
	if math.IsNaN(pi) || pi < 0 || pi > 1 {
		return math.NaN()
	}
	switch pi {
	case 0:
		return betaBinomUpperTail(x, n, 1, math.Inf(1))
	case 1:
		return betaBinomUpperTail(x, n, math.Inf(1), 1)
	}
	return betaBinomUpperTail(x, n, pi*2*poissonSize, (1-pi)*2*poissonSize)
}

// minPCombine combines independent p-values by Tippett's minimum-p method
// with the Šidák correction,
//
//	p = 1 - (1 - min_i p_i)^m,
//
// which is exactly uniform under the joint null for independent continuous
// p-values and conservative for discrete ones (Tippett 1931, The Methods of
// Statistics; Šidák 1967, JASA 62:626–633). It is computed as
// -expm1(m log1p(-min p)) to keep precision for small p.
func minPCombine(p ...float64) float64 {
	if len(p) == 0 {
		panic("analysis: no p-values to combine")
	}
	lo := 1.0
	for _, v := range p {
		if math.IsNaN(v) {
			return math.NaN()
		}
		lo = math.Min(lo, v)
	}
	if lo <= 0 {
		return 0
	}
	return -math.Expm1(float64(len(p)) * math.Log1p(-lo))
}
