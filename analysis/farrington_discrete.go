package analysis

import (
	"math"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// Quantiles and upper tails of the negative binomial (size r, success
// probability p: P(Y=k) = Γ(k+r)/(Γ(r) k!) p^r (1-p)^k, mean r(1-p)/p) and
// the Poisson, computed by summing the probability function from a point far
// in the lower tail, with R's convention for quantiles: the smallest k with
// P(Y <= k) >= q (1 - 64 eps) (R's qnbinom/qpois fuzz against rounding).

const quantileFuzz = 1 - 64*2.220446049250313e-16

// nbLogPMF is log P(Y = k) for the negative binomial with size r and
// success probability p = 1/phi, given as phi - 1 (> 0) so that the huge
// sizes of phi close to 1 keep their precision.
func nbLogPMF(k, r, phiM1 float64) float64 {
	var lg float64 // log Γ(k+r) - log Γ(r)
	if r > 1e8*(k+1) {
		lg = k*math.Log(r) + k*(k-1)/(2*r)
	} else {
		lk, _ := math.Lgamma(k + r)
		lr, _ := math.Lgamma(r)
		lg = lk - lr
	}
	lf, _ := math.Lgamma(k + 1)
	logPhi := math.Log1p(phiM1)
	return lg - lf - r*logPhi + k*(math.Log(phiM1)-logPhi)
}

func poisLogPMF(k, mu float64) float64 {
	lf, _ := math.Lgamma(k + 1)
	return k*math.Log(mu) - mu - lf
}

// qNegBinom returns the q-quantile of the negative binomial with size r and
// prob 1/phi (mean r (phi-1), variance phi·mean), phi > 1.
func qNegBinom(q, r, phi float64) float64 {
	if !(r > 0) || !(phi > 1) || math.IsNaN(q) {
		return math.NaN()
	}
	phiM1 := phi - 1
	mean := r * phiM1
	sd := math.Sqrt(mean * phi)
	pc := phiM1 / phi
	if mean+10*sd > 1e5 {
		// R's qnbinom: Cornish-Fisher start, then search on the CDF.
		gamma := (2 - 1/phi) / sd
		return searchQuantile(q, mean, sd, gamma, func(k float64) float64 {
			return mathext.RegIncBeta(r, k+1, 1/phi)
		})
	}
	return discreteQuantile(q*quantileFuzz, mean, sd,
		func(k float64) float64 { return nbLogPMF(k, r, phiM1) },
		func(k float64) float64 { return (k + r) / (k + 1) * pc })
}

// qPoisson returns the q-quantile of the Poisson with mean mu.
func qPoisson(q, mu float64) float64 {
	if !(mu >= 0) || math.IsNaN(q) {
		return math.NaN()
	}
	if mu == 0 {
		return 0
	}
	if mu > 1e5 {
		sd := math.Sqrt(mu)
		return searchQuantile(q, mu, sd, 1/sd, func(k float64) float64 {
			return mathext.GammaIncRegComp(k+1, mu)
		})
	}
	return discreteQuantile(q*quantileFuzz, mu, math.Sqrt(mu),
		func(k float64) float64 { return poisLogPMF(k, mu) },
		func(k float64) float64 { return mu / (k + 1) })
}

// searchQuantile is R's search for large quantiles (qnbinom.c, qpois.c):
// start at the Cornish-Fisher approximation, then step by 0.1% of the value,
// refining the step by 100 each time, down to steps of 1 or 1e-15 relative.
func searchQuantile(q, mean, sd, skew float64, cdf func(float64) float64) float64 {
	z := distuv.UnitNormal.Quantile(q)
	y := math.Round(mean + sd*(z+skew*(z*z-1)/6))
	if y < 0 {
		y = 0
	}
	if math.IsInf(y, 0) || math.IsNaN(y) || y > 1e15 {
		return y // beyond exact integers: the normal approximation is all there is
	}
	q *= quantileFuzz
	incr := math.Floor(y * 0.001)
	for {
		if incr < 1 {
			incr = 1
		}
		if cdf(y) >= q {
			for y > 0 && cdf(y-incr) >= q {
				y = math.Max(0, y-incr)
			}
		} else {
			for cdf(y) < q {
				y += incr
			}
		}
		if incr <= 1 || incr <= y*1e-15 {
			return y
		}
		incr = math.Max(1, math.Floor(incr/100))
	}
}

// discreteQuantile sums the probability function from a start 10 standard
// deviations below the mean (the mass below is under 1e-20, far below the 1e-14 fuzz) until the
// cumulative probability reaches q. ratio(k) is P(k+1)/P(k).
func discreteQuantile(q, mean, sd float64, logPMF, ratio func(float64) float64) float64 {
	k := math.Max(0, math.Floor(mean-10*sd-1))
	pk := math.Exp(logPMF(k))
	cum := pk
	limit := mean + 100*sd + 100
	for cum < q && k < limit {
		pk *= ratio(k)
		k++
		cum += pk
	}
	return k
}

// negBinomUpper returns P(Y >= y) for the negative binomial with size r and
// prob 1/phi (R's pnbinom(y - 1, size, prob, lower.tail = FALSE)).
func negBinomUpper(y, r, phi float64) float64 {
	if math.IsNaN(y) || !(r > 0) || !(phi > 1) {
		return math.NaN()
	}
	phiM1 := phi - 1
	mean := r * phiM1
	pc := phiM1 / phi
	return upperTail(y, mean, math.Sqrt(mean*phi),
		func(k float64) float64 { return nbLogPMF(k, r, phiM1) },
		func(k float64) float64 { return (k + r) / (k + 1) * pc })
}

// poissonUpper returns P(Y >= y) for the Poisson with mean mu.
func poissonUpper(y, mu float64) float64 {
	if math.IsNaN(y) || !(mu >= 0) {
		return math.NaN()
	}
	if mu == 0 {
		if y <= 0 {
			return 1
		}
		return 0
	}
	return upperTail(y, mu, math.Sqrt(mu),
		func(k float64) float64 { return poisLogPMF(k, mu) },
		func(k float64) float64 { return mu / (k + 1) })
}

// upperTail returns P(Y >= y): above the mean by summing upward from y
// (no cancellation for small tails), at or below it as one minus the lower
// sum.
func upperTail(y, mean, sd float64, logPMF, ratio func(float64) float64) float64 {
	y = math.Ceil(y)
	if y <= 0 {
		return 1
	}
	if y > mean {
		pk := math.Exp(logPMF(y))
		sum := pk
		for k := y; pk > sum*1e-17 && k < mean+100*sd+100+y; k++ {
			pk *= ratio(k)
			sum += pk
		}
		return math.Min(sum, 1)
	}
	k := math.Max(0, math.Floor(mean-10*sd-1))
	pk := math.Exp(logPMF(k))
	var lower float64
	for ; k < y; k++ {
		lower += pk
		pk *= ratio(k)
	}
	return math.Max(0, 1-lower)
}
